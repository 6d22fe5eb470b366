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

}  // namespace leakdbg::analysis
