#include "cli/inspect_format.h"

#include <CLI/CLI.hpp>
#include <cctype>

#include "symbolize/frame_render.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg::cli {

namespace {

std::string signed_hex(int64_t n) {
  if (n == 0) return "0";
  uint64_t magnitude = n < 0 ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
  return (n < 0 ? "-" : "+") + format_hex_plain(magnitude);
}

// What the user typed, safe to echo in a one-line error (no control bytes, bounded length).
std::string printable(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, 40)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  if (text.size() > 40) out += "...";
  return out;
}

}  // namespace

std::string NumberStyle::bytes(uint64_t n) const {
  return hex ? format_hex_plain(n) : format_bytes(n);
}
std::string NumberStyle::count(uint64_t n) const {
  return hex ? format_hex_plain(n) : std::to_string(n);
}
std::string NumberStyle::size(uint64_t n) const { return count(n); }
std::string NumberStyle::bytes_change(int64_t n) const {
  return hex ? signed_hex(n) : format_bytes_signed(n);
}
std::string NumberStyle::count_change(int64_t n) const {
  return hex ? signed_hex(n) : format_count_signed(n);
}

void SymbolFlags::add_to(CLI::App& app) {
  // A per-occurrence callback rather than a vector option: CLI11's vector conversion trips
  // GCC 12's -Wnull-dereference inside the library's own string splitting.
  app.add_option_function<std::string>(
         "--debug-dir", [this](const std::string& dir) { debug_dirs.push_back(dir); },
         "Extra directory with separate debug files (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->trigger_on_parse();
  app.add_option("--sysroot", sysroot, "Prefix for module paths (binaries moved elsewhere)");
  app.add_flag("--full-names", full_names,
               "Whole function names (every template argument and parameter) in text output");
}

void add_alloc_fn_option(CLI::App& app, std::vector<std::string>& patterns) {
  app.add_option_function<std::string>(
         "--alloc-fn", [&patterns](const std::string& pattern) { patterns.push_back(pattern); },
         "A function of your own that only allocates for its caller (regex, repeatable): "
         "sites are named by its caller")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->trigger_on_parse();
}

std::unique_ptr<Symbolizer> SymbolFlags::make(const HeapModel& model) const {
  SymbolizerOptions options;
  options.debug_dirs = debug_dirs;
  options.sysroot = sysroot;
  set_full_function_names(full_names);
  return std::make_unique<Symbolizer>(model, options);
}

std::string json_address(uint64_t address) { return format_hex(address); }

uint64_t parse_size_option(const std::string& text, const std::string& option) {
  std::optional<uint64_t> value = parse_number(text, false);
  if (!value) value = parse_size(text);
  if (!value) throw Error(option + ": '" + text + "' is not a size (examples: 48, 0x30, 64k)");
  return *value;
}

uint64_t parse_address_argument(const std::string& text) {
  std::optional<uint64_t> value = parse_address(text);
  if (!value)
    throw Error("'" + printable(text) +
                    "' is not an address (hex by default: 55d0c3a0 or 0x55d0c3a0; 0n for decimal)",
                2);
  return *value;
}

}  // namespace leakdbg::cli
