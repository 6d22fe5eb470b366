// `!heap -stat -h HEAP`: busy blocks grouped by requested size, all hex but the percentage.
//    heap @ 0a3c0000
//   group-by: TOTSIZE max-display: 20
//       size     #blocks     total     ( %) (percent of total busy bytes)
//       40 8c21 - 230840  (27.46)
// Only the top `max-display` groups are printed: when as many rows as that are shown, the
// listing is cut off, and the heap's busy total is taken from WinDbg's percentages rather
// than from the sum of the rows shown.
#include <charconv>
#include <cstdint>
#include <optional>

#include "winimport/parsers.h"

namespace leakdbg::winimport {
namespace {

struct HeapListing {
  std::optional<uint16_t> heap;
  uint64_t max_display = 0, rows = 0;
  double percent_shown = 0;
  uint64_t largest_total = 0;
  double largest_percent = 0;
};

std::optional<double> parse_percent(const std::vector<std::string_view>& words, size_t from) {
  std::string percent;
  for (size_t i = from; i < words.size(); ++i) percent += words[i];
  if (percent.size() < 3 || percent.front() != '(' || percent.back() != ')') return std::nullopt;
  double fraction = 0;
  auto [end, ec] =
      std::from_chars(percent.data() + 1, percent.data() + percent.size() - 1, fraction);
  if (ec != std::errc() || end != percent.data() + percent.size() - 1 || fraction < 0 ||
      fraction > 100.0001)
    return std::nullopt;
  return fraction;
}

// "40 8c21 - 230840  (27.46)": false unless every field reads and total = size * count.
bool parse_size_row(const std::vector<std::string_view>& words, uint64_t& size, uint64_t& count,
                    uint64_t& total, double& percent) {
  if (words.size() < 5 || words[2] != "-") return false;
  auto s = parse_hex(words[0]);
  auto c = parse_hex(words[1]);
  auto t = parse_hex(words[3]);
  auto p = parse_percent(words, 4);
  if (!s || !c || !t || !p) return false;
  size = *s;
  count = *c;
  total = *t;
  percent = *p;
  if (size != 0 && count > UINT64_MAX / size) return false;
  return size * count == total;
}

void close_listing(const HeapListing& listing, const TextSource& source, ModelBuilder& model) {
  if (!listing.heap) return;
  bool cut_off = (listing.max_display > 0 && listing.rows >= listing.max_display) ||
                 (listing.rows > 0 && listing.percent_shown < 99.0);
  if (!cut_off || listing.largest_percent <= 0) return;
  source.listing_cut_off();
  auto stated = static_cast<uint64_t>(
      static_cast<double>(listing.largest_total) * 100.0 / listing.largest_percent + 0.5);
  model.arena(*listing.heap).stated_busy_bytes = stated;
}

}  // namespace

void parse_heap_stat(const std::vector<Line>& lines, const TextSource& source,
                     ModelBuilder& model) {
  HeapListing listing;
  bool any_heap = false;
  for (const auto& line : lines) {
    std::string_view t = trim(line.text);
    if (t.empty()) continue;
    auto words = split_words(t);
    if (t.starts_with("heap @ ")) {
      close_listing(listing, source, model);
      listing = {};
      auto handle = words.size() == 3 ? parse_hex(words[2]) : std::nullopt;
      if (!handle) source.fail(line, "bad heap line \"" + std::string(t) + "\"");
      listing.heap = model.heap(*handle, line);
      any_heap = true;
      continue;
    }
    if (t.starts_with("group-by:")) {
      for (size_t i = 0; i + 1 < words.size(); ++i)
        if (words[i] == "max-display:")
          listing.max_display = parse_decimal(words[i + 1]).value_or(0);
      continue;
    }
    if (t.starts_with("size ")) continue;
    if (is_elision(t)) {
      source.elision();
      continue;
    }
    if (!listing.heap) {
      source.skip(line);
      continue;
    }
    // Plain values rather than optionals: GCC 12 warns about optionals read after checks.
    uint64_t size = 0, count = 0, total = 0;
    double percent = 0;
    if (!parse_size_row(words, size, count, total, percent)) {
      source.skip(line);
      continue;
    }
    model.add_size_group(*listing.heap, size, count, line);
    ++listing.rows;
    listing.percent_shown += percent;
    if (total >= listing.largest_total) {
      listing.largest_total = total;
      listing.largest_percent = percent;
    }
  }
  close_listing(listing, source, model);
  if (!any_heap) source.fail_at_end("no \"heap @\" line");
}

}  // namespace leakdbg::winimport
