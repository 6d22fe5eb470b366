// `!heap -s`: one row per heap, figures in KB (decimal), handle and flags in hex.
//   0d7b0000 08000002   16420  14416  16364    361   283     5    0      4   LFH
#include <cctype>

#include "winimport/parsers.h"

namespace leakdbg::winimport {
namespace {

bool is_decoration(std::string_view t) {
  if (t.empty()) return true;
  if (t.find_first_not_of("-*= ") == std::string_view::npos) return true;  // rules, banners
  if (t.starts_with("*")) return true;                       // "**** NT HEAP STATS BELOW ****"
  if (t.find(" : ") != std::string_view::npos) return true;  // "LFH Key : 0x..."
  if (t.find("(k)") != std::string_view::npos) return true;  // second header line
  if (t.find("fragmentation") != std::string_view::npos) return true;  // notes under a heap
  return false;
}

}  // namespace

void parse_heap_summary(const std::vector<Line>& lines, const TextSource& source,
                        ModelBuilder& model) {
  bool header_seen = false;
  for (const auto& line : lines) {
    std::string_view t = trim(line.text);
    if (is_decoration(t)) continue;
    auto words = split_words(t);
    if (words.size() >= 2 && words[0] == "Heap" && words[1] == "Flags") {
      header_seen = true;
      continue;
    }
    auto handle = parse_hex(words[0]);
    if (!handle) source.fail(line, "expected a heap row, got \"" + std::string(t) + "\"");
    if (!header_seen) source.fail(line, "heap row before the column header");
    if (words.size() != 10 && words.size() != 11)
      source.fail(line, "heap row has " + std::to_string(words.size()) +
                            " fields, expected 10 or 11 (truncated?)");
    auto flags = parse_hex(words[1]);
    if (!flags) source.fail(line, "bad heap flags \"" + std::string(words[1]) + "\"");
    uint64_t figures[8];
    for (size_t i = 0; i < 8; ++i) {
      auto value = parse_decimal(words[2 + i]);
      if (!value || *value > (UINT64_MAX >> 10))
        source.fail(line, "bad number \"" + std::string(words[2 + i]) + "\" in heap row");
      figures[i] = *value;
    }
    if (words.size() == 11) {
      for (char c : words[10])
        if (!std::isalpha(static_cast<unsigned char>(c)))
          source.fail(line, "bad front-end name \"" + std::string(words[10]) + "\"");
    }
    Arena& arena = model.arena(model.heap(*handle, line));
    arena.heap_flags = *flags;
    arena.aspace_total = figures[0] << 10;
    arena.system_current = figures[1] << 10;
    arena.virtual_bytes = figures[2] << 10;
    arena.free_rest_bytes = figures[3] << 10;
    arena.free_rest_count = figures[4];
    arena.uncommitted_ranges = figures[5];
    arena.virtual_blocks = figures[6];
    arena.lock_contention = figures[7];
    arena.front_end = words.size() == 11 ? std::string(words[10]) : std::string();
  }
  if (!header_seen)
    source.fail_at_end("no heap table (the \"Heap Flags Reserv\" header is missing)");
  model.mark_heap_figures_known();
}

}  // namespace leakdbg::winimport
