// The words for a site's judgement (suspect.h): the reason a user reads first.
#pragma once

#include <string>
#include <string_view>

#include "analysis/suspect.h"

namespace leakdbg::analysis {

// `has_times` false means the snapshots carry no times (imported text): rates are then per
// snapshot and said so.
std::string reason_text(const SiteTrend& trend, const Judgement& judgement, bool has_times);

// The class as a short table word: "LEAK", "held", "cache", "temporary"...
std::string_view verdict_class_word(VerdictClass c);

// "g_registry in cfghost", "the stack of thread 812 (worker)", then " through blocks from
// Registry::add(...)  registry.cpp:40" when the root holds them through another site's block.
std::string held_by_text(const HeldBy& held);

// "no longer referenced: 3120 blocks (1.2 MiB)", with the indirectly lost; "" when none.
std::string lost_text(const ReachabilityEvidence& r);

}  // namespace leakdbg::analysis
