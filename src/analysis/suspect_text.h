// The words for a site's judgement (suspect.h): the reason a user reads first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/suspect.h"

namespace leakdbg::analysis {

// What one heap state is called where the user took it: a tracker snapshot, a WinDbg dump
// (`!heap` output), a UMDH log.
enum class StateNoun : uint8_t { kSnapshot, kDump, kLog };
StateNoun state_noun_of(std::string_view source_kind);  // from HeapModel::source_kind
std::string_view noun_text(StateNoun noun);             // "snapshot", "dump", "log"

// `has_times` false means the snapshots carry no times (imported text): rates are then per
// snapshot (dump, log) and said so.
// `block_counts_known` false: the source gives no block counts for a state (a UMDH comparison
// without count lines), so block changes are not stated.
std::string reason_text(const SiteTrend& trend, const Judgement& judgement, bool has_times,
                        StateNoun noun = StateNoun::kSnapshot, bool block_counts_known = true);

// "two states: growth of 42.6 MiB in 89,332 blocks from LeakHeapMemory; a third log tells a
// leak from a cache". `source` (may be empty) names where the growth comes from.
std::string two_states_text(double growth_bytes, std::optional<uint64_t> blocks,
                            const std::string& source, StateNoun noun);

// The class as a short table word: "LEAK", "held", "cache", "temporary"...
std::string_view verdict_class_word(VerdictClass c);

// "g_registry in cfghost", "the stack of thread 812 (worker)", then " through blocks from
// Registry::add(...)  registry.cpp:40" when the root holds them through another site's block.
std::string held_by_text(const HeldBy& held);

// "no longer referenced: 3120 blocks (1.2 MiB)", with the indirectly lost; "" when none.
std::string lost_text(const ReachabilityEvidence& r, SiteKind kind = SiteKind::kHeap);

}  // namespace leakdbg::analysis
