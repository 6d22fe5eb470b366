#include "analysis/mapping_lookup.h"

#include <algorithm>
#include <cctype>

#include "util/proc_maps.h"
#include "util/text_split.h"

namespace leakdbg {

namespace {

// "start-end perms offset dev inode [name]"; nullopt for anything else.
std::optional<MappingInfo> parse_header_line(std::string_view line) {
  MapsLine fields;
  if (parse_maps_line(line, fields) != MapsField::kNone || fields.start >= fields.end)
    return std::nullopt;
  MappingInfo info;
  info.start = fields.start;
  info.end = fields.end;
  info.kind = "mapping";
  info.perms = std::string(fields.perms);
  info.name = std::string(fields.path);
  return info;
}

}  // namespace

std::optional<MappingInfo> find_mapping_in_smaps(std::string_view smaps, uint64_t address) {
  while (!smaps.empty()) {
    std::string_view line = take_line(smaps);
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
