#include "cli/inspect_format.h"

#include <cctype>

#include "cli/command_options.h"
#include "symbolize/frame_render.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg::cli {

namespace {

// What the user typed, safe to echo in a one-line error (no control bytes, bounded length).
std::string printable(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, 40)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  if (text.size() > 40) out += "...";
  return out;
}

}  // namespace

void SymbolFlags::add_to(CommandOptions& app) {
  // A per-occurrence callback rather than a vector option: CLI11's vector conversion trips
  // GCC 12's -Wnull-dereference inside the library's own string splitting.
  app.add_option_function(
         "--debug-dir", [this](const std::string& dir) { debug_dirs.push_back(dir); },
         "Extra directory with separate debug files (repeatable)")
      ->take_all()
      ->trigger_on_parse();
  app.add_option("--sysroot", sysroot, "Prefix for module paths (binaries moved elsewhere)");
  app.add_flag("--full-names", full_names,
               "Whole function names (every template argument and parameter) in text output");
}

void add_alloc_fn_option(CommandOptions& app, std::vector<std::string>& patterns) {
  app.add_option_function(
         "--alloc-fn", [&patterns](const std::string& pattern) { patterns.push_back(pattern); },
         "A function of your own that only allocates for its caller (regex, repeatable): "
         "sites are named by its caller")
      ->take_all()
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

uint64_t parse_size_option(const std::string& text, const std::string& option, bool hex_default) {
  std::optional<uint64_t> value = parse_number(text, hex_default);
  if (!value) value = parse_size(text);
  if (!value)
    throw Error(option + ": '" + printable(text) +
                    "' is not a whole number of bytes (examples: 48, 0x30, 64k, 1.5M)",
                2);
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
