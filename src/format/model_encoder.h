// Writes a HeapModel out as a .ldsnap snapshot through SnapshotWriter: the reader's exact
// inverse. The tracker writes from its own tables; this serves tests, fixtures and tools
// that build or transform heap models (synthetic snapshots, filtered copies).
#pragma once

#include <string>

#include "format/records.h"
#include "model/heap_model.h"

namespace leakdbg::fmt {

// Writes `model` to `path` atomically. Sections the model has no data for are left out
// (except meta and blocks, always written). Throws leakdbg::Error on failure.
void write_snapshot(const HeapModel& model, const std::string& path);

// The on-disk record of a model block (the inverse of record_decoders.h's to_model).
BlockRecord to_record(const Block& b);

}  // namespace leakdbg::fmt
