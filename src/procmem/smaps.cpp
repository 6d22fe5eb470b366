#include "procmem/smaps.h"

#include "util/digits.h"
#include "util/error.h"
#include "util/proc_maps.h"
#include "util/text_split.h"

namespace leakdbg::procmem {

bool Mapping::anonymous_memory() const {
  if (path.empty()) return inode == 0;
  return path.front() == '[';
}

std::string Mapping::perms() const {
  std::string p = "----";
  if (read) p[0] = 'r';
  if (write) p[1] = 'w';
  if (exec) p[2] = 'x';
  p[3] = shared ? 's' : 'p';
  return p;
}

namespace {

[[noreturn]] void fail(size_t line_no, const std::string& what) {
  throw Error("smaps line " + std::to_string(line_no) + ": " + what);
}

std::string excerpt(std::string_view line) {
  constexpr size_t kMax = 60;
  std::string out;
  for (char c : line.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (line.size() > kMax) out += "...";
  return out;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A header starts "start-end " with hex numbers; field lines start with a name and ':'.
bool looks_like_header(std::string_view line) {
  size_t dash = line.find('-');
  if (dash == 0 || dash == std::string_view::npos) return false;
  for (size_t i = 0; i < dash; ++i)
    if (!is_hex(line[i])) return false;
  return true;
}

Mapping parse_header(std::string_view line, size_t line_no) {
  MapsLine fields;
  std::string_view bad;
  MapsField malformed = parse_maps_line(line, fields, &bad);
  // An inverted range is reported before anything wrong further along the line.
  if (malformed == MapsField::kRange) fail(line_no, "bad address range '" + excerpt(bad) + "'");
  if (fields.start >= fields.end)
    fail(line_no, "empty or inverted address range '" + excerpt(fields.range) + "'");
  switch (malformed) {
    case MapsField::kPerms:
      fail(line_no, "bad permissions '" + excerpt(bad) + "'");
    case MapsField::kOffset:
      fail(line_no, "bad file offset");
    case MapsField::kDevice:
      fail(line_no, "bad device '" + excerpt(bad) + "'");
    case MapsField::kInode:
      fail(line_no, "bad inode");
    case MapsField::kRange:
    case MapsField::kNone:
      break;
  }
  Mapping m;
  m.start = fields.start;
  m.end = fields.end;
  m.read = fields.read;
  m.write = fields.write;
  m.exec = fields.exec;
  m.shared = fields.shared;
  m.offset = fields.offset;
  m.dev_major = fields.dev_major;
  m.dev_minor = fields.dev_minor;
  m.inode = fields.inode;
  m.path = std::string(fields.path);
  return m;
}

// Fields printed in kB; any of them without the unit means the text was cut or damaged.
uint64_t* size_field(Mapping& m, std::string_view key) {
  if (key == "Rss") return &m.rss;
  if (key == "Pss") return &m.pss;
  if (key == "Shared_Clean") return &m.shared_clean;
  if (key == "Shared_Dirty") return &m.shared_dirty;
  if (key == "Private_Clean") return &m.private_clean;
  if (key == "Private_Dirty") return &m.private_dirty;
  if (key == "Referenced") return &m.referenced;
  if (key == "Anonymous") return &m.anonymous;
  if (key == "AnonHugePages") return &m.anon_huge;
  if (key == "Swap") return &m.swap;
  if (key == "SwapPss") return &m.swap_pss;
  if (key == "Locked") return &m.locked;
  return nullptr;
}

bool known_size_key(std::string_view key) {
  static constexpr std::string_view kOthers[] = {
      "Size",           "KernelPageSize",  "MMUPageSize", "Pss_Dirty",      "Pss_Anon",
      "Pss_File",       "Pss_Shmem",       "LazyFree",    "ShmemPmdMapped", "FilePmdMapped",
      "Shared_Hugetlb", "Private_Hugetlb", "KSM"};
  for (auto k : kOthers)
    if (k == key) return true;
  return false;
}

void parse_field(Mapping& m, std::string_view key, std::string_view value, size_t line_no) {
  if (key == "VmFlags") {
    size_t b = value.find_first_not_of(' ');
    size_t e = value.find_last_not_of(' ');
    m.vm_flags =
        b == std::string_view::npos ? std::string() : std::string(value.substr(b, e - b + 1));
    return;
  }
  uint64_t* target = size_field(m, key);
  if (!target && !known_size_key(key)) return;  // THPeligible, ProtectionKey, future fields
  std::string_view rest = value;
  std::string_view number = take_field(rest);
  std::string_view unit = take_field(rest);
  if (unit != "kB" || !take_field(rest).empty())
    fail(line_no, std::string(key) + ": expected '<number> kB', got '" + excerpt(value) + "'");
  auto kib = parse_unsigned<uint64_t>(number);
  if (!kib) fail(line_no, std::string(key) + ": bad number '" + excerpt(number) + "'");
  if (*kib > UINT64_MAX / 1024) fail(line_no, std::string(key) + ": value too large");
  if (target) *target = *kib * 1024;
}

}  // namespace

std::vector<Mapping> parse_smaps(std::string_view text) {
  std::vector<Mapping> mappings;
  size_t line_no = 0;
  while (!text.empty()) {
    std::string_view line = take_line(text);
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (looks_like_header(line)) {
      Mapping m = parse_header(line, line_no);
      if (!mappings.empty() && m.start < mappings.back().end)
        fail(line_no, "mapping overlaps or precedes the one before it");
      mappings.push_back(std::move(m));
      continue;
    }
    size_t colon = line.find(':');
    std::string_view key = line.substr(0, colon);
    bool key_ok = colon != std::string_view::npos && colon > 0;
    for (char c : key)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
        key_ok = false;
    if (!key_ok) fail(line_no, "neither a mapping header nor a field: '" + excerpt(line) + "'");
    if (mappings.empty()) fail(line_no, "field before the first mapping header");
    parse_field(mappings.back(), key, line.substr(colon + 1), line_no);
  }
  return mappings;
}

}  // namespace leakdbg::procmem
