#include "analysis/mapping_lookup.h"

#include <algorithm>
#include <cctype>

#include "util/units.h"

namespace leakdbg {

namespace {

std::string_view next_field(std::string_view& line) {
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  line.remove_prefix(start);
  size_t end = line.find_first_of(" \t");
  std::string_view field = line.substr(0, end);
  line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  return field;
}

// "start-end perms offset dev inode [name]"; nullopt for anything else.
std::optional<MappingInfo> parse_header_line(std::string_view line) {
  std::string_view range = next_field(line);
  size_t dash = range.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto start = parse_number(range.substr(0, dash), true);
  auto end = parse_number(range.substr(dash + 1), true);
  if (!start || !end || *start >= *end) return std::nullopt;
  std::string_view perms = next_field(line);
  std::string_view offset = next_field(line);
  std::string_view device = next_field(line);
  std::string_view inode = next_field(line);
  if (perms.size() != 4 || offset.empty() || device.find(':') == std::string_view::npos ||
      inode.empty())
    return std::nullopt;
  size_t name_start = line.find_first_not_of(" \t");
  MappingInfo info;
  info.start = *start;
  info.end = *end;
  info.kind = "mapping";
  info.perms = std::string(perms);
  if (name_start != std::string_view::npos) info.name = std::string(line.substr(name_start));
  return info;
}

}  // namespace

std::optional<MappingInfo> find_mapping_in_smaps(std::string_view smaps, uint64_t address) {
  while (!smaps.empty()) {
    size_t newline = smaps.find('\n');
    std::string_view line = smaps.substr(0, newline);
    smaps.remove_prefix(newline == std::string_view::npos ? smaps.size() : newline + 1);
    // Header lines start with a hex digit; figure lines ("Rss:  4 kB") with a letter that
    // may also be a hex digit, so the full parse decides.
    if (line.empty() || !std::isxdigit(static_cast<unsigned char>(line.front()))) continue;
    std::optional<MappingInfo> info = parse_header_line(line);
    if (info && address >= info->start && address < info->end) return info;
  }
  return std::nullopt;
}

std::optional<MappingInfo> find_mapping(const HeapModel& model, uint64_t address) {
  if (const Module* module = model.find_module(address)) {
    for (const Segment& segment : module->segments)
      if (address >= segment.start && address < segment.end)
        return MappingInfo{segment.start, segment.end, "module", module->path, ""};
  }
  auto region = std::upper_bound(model.regions.begin(), model.regions.end(), address,
                                 [](uint64_t value, const Region& r) { return value < r.address; });
  if (region != model.regions.begin()) {
    const Region& r = *std::prev(region);
    if (address - r.address < r.length)
      return MappingInfo{r.address, r.address + r.length, "mmap region",
                         r.file_backed() ? "file-backed" : "anonymous", ""};
  }
  for (const ThreadInfo& thread : model.threads)
    if (address >= thread.stack_start && address < thread.stack_end)
      return MappingInfo{thread.stack_start, thread.stack_end, "thread stack",
                         "tid " + std::to_string(thread.tid) +
                             (thread.name.empty() ? "" : " (" + thread.name + ")"),
                         ""};
  return find_mapping_in_smaps(model.smaps, address);
}

}  // namespace leakdbg
