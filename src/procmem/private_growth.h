// How much of a process's private growth the heap explains: the check the reference
// workflow does by eye in VMMap ("private +14.3 MiB, heap +14.0 MiB (98%)").
// Used by `leakdbg vmmap --base` and by `leakdbg analyze`.
#pragma once

#include <cstdint>
#include <string>

#include "model/heap_model.h"
#include "procmem/vm_summary.h"

namespace leakdbg::procmem {

struct PrivateGrowth {
  int64_t private_delta = 0;  // Private Bytes (RssAnon + VmSwap) now minus base
  int64_t heap_delta = 0;     // the Heap type's private bytes now minus base
  bool private_known = true;  // false if a side recorded no process figures
};

// "private +14.3 MiB, heap +14.0 MiB (98%)". The share is left out when private memory did
// not grow (a share of a shrink or of nothing says nothing).
std::string explain_private_growth(int64_t private_delta, int64_t heap_delta);
std::string explain_private_growth(const PrivateGrowth& growth);

PrivateGrowth private_growth(const VmView& base, const VmView& now);

// From two snapshots: the Heap rows of their recorded memory maps when both have one,
// else the tracked heap's requested bytes; Private Bytes from their recorded status (or
// the last time-series sample).
PrivateGrowth private_growth(const HeapModel& base, const HeapModel& now);
std::string explain_private_growth(const HeapModel& base, const HeapModel& now);

}  // namespace leakdbg::procmem
