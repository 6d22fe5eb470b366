// `leakdbg analyze` output: a readable verdict first (does it leak, where, how fast), then
// the workflow's steps; or the same as JSON. All of analyze's words are made here.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "analysis/analyze.h"
#include "util/number_style.h"

namespace leakdbg::analysis {

// `style` renders bytes, counts and sizes of the tables (`--hex`: bare hex as WinDbg).
void print_analyze_text(std::ostream& out, const AnalyzeReport& report,
                        const NumberStyle& style = {});
nlohmann::json analyze_to_json(const AnalyzeReport& report);

// The one-line verdict ("LEAK: 1 likely leak; the largest, ...").
std::string verdict_text(const AnalyzeReport& report);
// A note's sentence.
std::string note_text(const AnalyzeReport& report, NoteCode note);
// "private +14.3 MiB, heap +14.0 MiB (98%), mmap +0 B (0%), other +300 KiB"
std::string kinds_text(const AnalyzeReport& report);

}  // namespace leakdbg::analysis
