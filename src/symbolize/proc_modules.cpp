#include "symbolize/proc_modules.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "symbolize/elf_info.h"
#include "util/error.h"
#include "util/proc_maps.h"
#include "util/text_split.h"

namespace leakdbg {

namespace {

bool parse_line(std::string_view line, MapsEntry* entry) {
  MapsLine fields;
  if (parse_maps_line(line, fields) != MapsField::kNone || fields.end < fields.start) return false;
  entry->start = fields.start;
  entry->end = fields.end;
  entry->offset = fields.offset;
  entry->inode = fields.inode;
  entry->prot = (fields.read ? PROT_READ : 0) | (fields.write ? PROT_WRITE : 0) |
                (fields.exec ? PROT_EXEC : 0);
  entry->shared = fields.shared;
  entry->path = std::string(fields.path);
  return true;
}

// The load bias that puts one mapping of the file where the kernel placed it: the PT_LOAD
// whose page-aligned file offset is the mapping's offset.
bool bias_from(const ElfFileInfo& info, const MapsEntry& map, uint64_t page, uint64_t* bias) {
  for (const auto& load : info.loads) {
    if ((load.offset & ~(page - 1)) != map.offset) continue;
    uint64_t vaddr_page = load.vaddr & ~(page - 1);
    *bias = info.is_pie_or_shared ? map.start - vaddr_page : 0;
    return true;
  }
  return false;
}

}  // namespace

std::vector<MapsEntry> parse_maps(std::string_view text) {
  std::vector<MapsEntry> entries;
  size_t line_number = 0;
  while (!text.empty()) {
    std::string_view line = take_line(text);
    ++line_number;
    if (line.empty()) continue;
    MapsEntry entry;
    if (!parse_line(line, &entry))
      throw Error("maps line " + std::to_string(line_number) +
                  " is malformed: " + std::string(line.substr(0, 120)));
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<Module> modules_from_maps(const std::vector<MapsEntry>& maps,
                                      const std::string& executable_path) {
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  std::map<std::string, std::vector<const MapsEntry*>> by_path;
  std::vector<std::string> order;  // first-mapped first, as the loader lists them
  for (const auto& entry : maps) {
    if (entry.path.empty() || entry.path[0] != '/' || entry.inode == 0) continue;
    auto& list = by_path[entry.path];
    if (list.empty()) order.push_back(entry.path);
    list.push_back(&entry);
  }
  std::vector<Module> modules;
  for (const auto& path : order) {
    auto info = read_elf_info(path);
    if (!info) continue;
    Module module;
    module.path = path;
    module.build_id = info->build_id;
    module.is_executable = path == executable_path;
    bool placed = false;
    for (const MapsEntry* map : by_path[path]) {
      if (!placed) placed = bias_from(*info, *map, page, &module.load_bias);
      module.segments.push_back({map->start, map->end, map->offset, map->prot});
    }
    if (placed) modules.push_back(std::move(module));
  }
  return modules;
}

std::vector<Module> modules_of_process(pid_t pid) {
  std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream in(dir + "/maps");
  if (!in) throw Error(dir + "/maps: cannot open: " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  std::error_code ec;
  std::string executable = std::filesystem::read_symlink(dir + "/exe", ec).string();
  return modules_from_maps(parse_maps(text.str()), executable);
}

}  // namespace leakdbg
