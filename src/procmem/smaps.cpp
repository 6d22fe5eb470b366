#include "procmem/smaps.h"

#include <charconv>
#include <optional>

#include "util/error.h"

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

template <typename T>
std::optional<T> parse_int(std::string_view text, int base) {
  T value{};
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Splits off the next space-separated token; leading spaces are skipped.
std::string_view next_token(std::string_view& rest) {
  size_t begin = rest.find_first_not_of(' ');
  if (begin == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(begin);
  size_t end = rest.find(' ');
  std::string_view token = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  return token;
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
  Mapping m;
  std::string_view rest = line;
  std::string_view range = next_token(rest);
  size_t dash = range.find('-');
  auto start = parse_int<uint64_t>(range.substr(0, dash), 16);
  auto end = dash == std::string_view::npos ? std::nullopt
                                            : parse_int<uint64_t>(range.substr(dash + 1), 16);
  if (!start || !end) fail(line_no, "bad address range '" + excerpt(range) + "'");
  if (*start >= *end) fail(line_no, "empty or inverted address range '" + excerpt(range) + "'");
  m.start = *start;
  m.end = *end;

  std::string_view perms = next_token(rest);
  if (perms.size() != 4 || (perms[0] != 'r' && perms[0] != '-') ||
      (perms[1] != 'w' && perms[1] != '-') || (perms[2] != 'x' && perms[2] != '-') ||
      (perms[3] != 'p' && perms[3] != 's'))
    fail(line_no, "bad permissions '" + excerpt(perms) + "'");
  m.read = perms[0] == 'r';
  m.write = perms[1] == 'w';
  m.exec = perms[2] == 'x';
  m.shared = perms[3] == 's';

  auto offset = parse_int<uint64_t>(next_token(rest), 16);
  if (!offset) fail(line_no, "bad file offset");
  m.offset = *offset;

  std::string_view dev = next_token(rest);
  size_t colon = dev.find(':');
  auto major = colon == std::string_view::npos ? std::nullopt
                                               : parse_int<uint32_t>(dev.substr(0, colon), 16);
  auto minor = colon == std::string_view::npos ? std::nullopt
                                               : parse_int<uint32_t>(dev.substr(colon + 1), 16);
  if (!major || !minor) fail(line_no, "bad device '" + excerpt(dev) + "'");
  m.dev_major = *major;
  m.dev_minor = *minor;

  auto inode = parse_int<uint64_t>(next_token(rest), 10);
  if (!inode) fail(line_no, "bad inode");
  m.inode = *inode;

  // The path is the rest of the line and may itself contain spaces.
  size_t path_begin = rest.find_first_not_of(' ');
  if (path_begin != std::string_view::npos) m.path = std::string(rest.substr(path_begin));
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
  std::string_view number = next_token(rest);
  std::string_view unit = next_token(rest);
  if (unit != "kB" || !next_token(rest).empty())
    fail(line_no, std::string(key) + ": expected '<number> kB', got '" + excerpt(value) + "'");
  auto kib = parse_int<uint64_t>(number, 10);
  if (!kib) fail(line_no, std::string(key) + ": bad number '" + excerpt(number) + "'");
  if (*kib > UINT64_MAX / 1024) fail(line_no, std::string(key) + ": value too large");
  if (target) *target = *kib * 1024;
}

}  // namespace

std::vector<Mapping> parse_smaps(std::string_view text) {
  std::vector<Mapping> mappings;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
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
