// Decoders of the sections whose payload is not a plain record array: each takes the raw
// (decompressed) payload and appends to the model, validating every length against the bytes
// present. Throw Corrupt naming the section.
#pragma once

#include <string_view>

#include "format/records.h"
#include "model/heap_model.h"

namespace leakdbg::fmt {

void decode_meta(std::string_view raw, HeapModel& model);
void decode_modules(std::string_view raw, std::vector<Module>& modules);
void decode_stacks(std::string_view raw, std::vector<Stack>& stacks);
void decode_threads(std::string_view raw, std::vector<ThreadInfo>& threads);
void decode_tracker_stats(std::string_view raw, TrackerStats& stats);
void decode_reachability(std::string_view raw, ReachabilityInfo& info);

// Plain record arrays: one model value per on-disk record.
Block to_model(const BlockRecord& r);
Region to_model(const RegionRecord& r);
Arena to_model(const ArenaRecord& r);
Site to_model(const SiteRecord& r);
Sample to_model(const SampleRecord& r);
// These two check their enumerations (class, kind) and throw Corrupt on unknown values.
BlockReachRecord to_model(const BlockReachRecord& r);
Referrer to_model(const ReferrerRecord& r);
// The region referrers section's records: the same layout, named apart in messages.
struct RegionReferrerRecord : ReferrerRecord {};
static_assert(sizeof(RegionReferrerRecord) == sizeof(ReferrerRecord));
Referrer to_model(const RegionReferrerRecord& r);

}  // namespace leakdbg::fmt
