// A process's address space as VMMap shows it: mappings, their typed pieces, and one row of
// totals per type. Built from a live process (live_process.h) or a snapshot
// (model_knowledge.h); rendered by `leakdbg vmmap`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "procmem/classify.h"
#include "procmem/mem_types.h"
#include "procmem/smaps.h"
#include "procmem/status.h"

namespace leakdbg::procmem {

struct TypeTotals {
  MemType type = MemType::kPrivateData;
  uint64_t size = 0, committed = 0, private_bytes = 0, rss = 0, pss = 0, swap = 0, locked = 0;
  uint64_t blocks = 0, largest = 0;  // pieces of this type, and the largest one's size
};

struct VmSummary {
  std::array<TypeTotals, kAllMemTypes.size()> types;  // in kAllMemTypes order
  TypeTotals total;                                   // type is meaningless here

  const TypeTotals& of(MemType type) const;
};

struct VmView {
  std::vector<Mapping> mappings;
  std::vector<Piece> pieces;
  std::optional<ProcStatus> status;  // the Page Table row and Private Bytes come from it
  VmSummary summary;
};

// Per-type totals of the pieces; the Page Table row from status.vm_pte when known.
VmSummary summarize(const std::vector<Mapping>& mappings, const std::vector<Piece>& pieces,
                    const std::optional<ProcStatus>& status);

// Classifies and summarizes in one step (smaps text already parsed).
VmView make_view(std::vector<Mapping> mappings, const Knowledge& knowledge,
                 std::optional<ProcStatus> status);

// Private Bytes of the view: from /proc status (RssAnon + VmSwap) when recorded, else the
// private bytes of the anonymous types (Heap, Stack, Private Data, Shareable excluded).
uint64_t view_private_bytes(const VmView& view);

}  // namespace leakdbg::procmem
