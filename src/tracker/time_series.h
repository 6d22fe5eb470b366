// Memory figures sampled by the background thread (heap, mmap, RSS, private bytes); each
// snapshot takes the samples recorded since the previous one.
#pragma once

#include "format/records.h"
#include "tracker/raw_memory.h"

namespace leakdbg::tracker {

void add_sample(const fmt::SampleRecord& sample);
// Appends the samples since the last call (oldest first) and starts a new period.
bool take_samples(ByteBuffer& out);
// Forked child: the parent's samples are not the child's.
void reset_samples_in_child();

}  // namespace leakdbg::tracker
