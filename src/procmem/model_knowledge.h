// What a tracker snapshot knows about the address space, as classification claims:
// thread stacks, glibc arenas and the mappings holding their blocks, mmapped chunks, and
// the program's own tracked mmap regions.
#pragma once

#include <vector>

#include "model/heap_model.h"
#include "procmem/classify.h"
#include "procmem/smaps.h"
#include "procmem/vm_summary.h"

namespace leakdbg::procmem {

Knowledge knowledge_from_model(const HeapModel& model, const std::vector<Mapping>& mappings);

// The VMMap view recorded in a snapshot (its smaps and status text). Throws leakdbg::Error
// if the snapshot recorded no smaps or recorded damaged text.
VmView view_of_model(const HeapModel& model);

}  // namespace leakdbg::procmem
