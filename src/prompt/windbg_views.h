// The prompt's answers, printed in the shapes WinDbg prints them (see the reference
// samples) so that habits and scripts carry over: hex numbers, `_HEAP @` headers,
// HEAP_ENTRY rows, `module!function+0xoff` frames. What leakdbg knows beyond WinDbg (busy
// bytes per heap, age, thread, API, source lines) is appended in the same style.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/block_filter.h"
#include "analysis/heap_summary.h"
#include "analysis/size_stat.h"
#include "model/heap_model.h"
#include "prompt/command_parser.h"

namespace leakdbg {
class Symbolizer;
}

namespace leakdbg::prompt {

inline constexpr size_t kFilterLimit = 50;  // -flt lists this many, then counts the rest

void print_heap_summary(const HeapModel& model, const HeapSummary& summary, std::ostream& out);
void print_heap_stat(const HeapModel& model, const StatResult& stat, StatOrder order,
                     size_t max_display, std::ostream& out);
void print_heap_filter(const HeapModel& model, const BlockListing& listing, std::ostream& out);
void print_heap_address(const HeapModel& model, Symbolizer& symbolizer, uint64_t address,
                        std::ostream& out);
void print_nearest_symbol(const HeapModel& model, Symbolizer& symbolizer, uint64_t address,
                          std::ostream& out);
void print_snapshot_list(const std::vector<const HeapModel*>& models,
                         const std::vector<std::string>& names, size_t current, std::ostream& out);

// "Tally!CRuleSet::Parse+0xc4 [d:\work\tally\x.cpp @ 212]" as WinDbg prints a frame.
std::string windbg_frame(const SymbolicFrame& frame);

}  // namespace leakdbg::prompt
