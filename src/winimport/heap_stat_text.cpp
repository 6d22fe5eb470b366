// `!heap -stat -h HEAP`: busy blocks grouped by requested size, all hex but the percentage.
//    heap @ 0d7b0000
//   group-by: TOTSIZE max-display: 20
//       size     #blocks     total     ( %) (percent of total busy bytes)
//       30 e793 - 2b6b90  (32.13)
#include <charconv>
#include <cstdint>
#include <optional>

#include "winimport/parsers.h"

namespace leakdbg::winimport {

void parse_heap_stat(const std::vector<Line>& lines, const TextSource& source,
                     ModelBuilder& model) {
  std::optional<uint16_t> heap;
  bool any_heap = false;
  for (const auto& line : lines) {
    std::string_view t = trim(line.text);
    if (t.empty()) continue;
    if (t.starts_with("heap @ ")) {
      auto words = split_words(t);
      auto handle = words.size() == 3 ? parse_hex(words[2]) : std::nullopt;
      if (!handle) source.fail(line, "bad heap line \"" + std::string(t) + "\"");
      heap = model.heap(*handle, line);
      any_heap = true;
      continue;
    }
    if (t.starts_with("group-by:") || t.starts_with("size ")) continue;
    auto words = split_words(t);
    if (words.size() < 5 || words[2] != "-")
      source.fail(line,
                  "expected \"SIZE COUNT - TOTAL (PERCENT)\", got \"" + std::string(t) + "\"");
    if (!heap) source.fail(line, "size row before the \"heap @\" line");
    auto size = parse_hex(words[0]);
    auto count = parse_hex(words[1]);
    auto total = parse_hex(words[3]);
    if (!size || !count || !total) source.fail(line, "bad hex number in size row");
    std::string percent;
    for (size_t i = 4; i < words.size(); ++i) percent += words[i];
    if (percent.size() < 3 || percent.front() != '(' || percent.back() != ')')
      source.fail(line, "expected \"(PERCENT)\" at the end of the size row");
    double fraction = 0;
    auto [end, ec] =
        std::from_chars(percent.data() + 1, percent.data() + percent.size() - 1, fraction);
    if (ec != std::errc() || end != percent.data() + percent.size() - 1 || fraction < 0 ||
        fraction > 100.0001)
      source.fail(line, "bad percentage \"" + percent + "\"");
    bool overflows = *size != 0 && *count > UINT64_MAX / *size;
    if (overflows || *size * *count != *total)
      source.fail(line,
                  "total " + std::string(words[3]) + " is not size times #blocks (truncated?)");
    model.add_size_group(*heap, *size, *count, line);
  }
  if (!any_heap) source.fail_at_end("no \"heap @\" line");
}

}  // namespace leakdbg::winimport
