// Shared by the heap inspection commands (summary, stat, blocks, block, ln): number style
// (decimal with units, or WinDbg-style hex), symbol options, and JSON number helpers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/heap_model.h"
#include "symbolize/symbolizer.h"
#include "util/number_style.h"

namespace leakdbg::cli {

class CommandOptions;

// Text output renders numbers one way throughout a command (util/number_style.h).
using NumberStyle = leakdbg::NumberStyle;

// --debug-dir and --sysroot, for binaries moved since the snapshot was taken.
struct SymbolFlags {
  std::vector<std::string> debug_dirs;
  std::string sysroot;
  bool full_names = false;  // whole demangled names in text output
  void add_to(CommandOptions& app);
  std::unique_ptr<Symbolizer> make(const HeapModel& model) const;
};

// `--alloc-fn REGEX` (repeatable): the user's own allocation wrappers, skipped when a call
// site is named (analyze, diff, stat, run --report).
void add_alloc_fn_option(CommandOptions& app, std::vector<std::string>& patterns);

// Addresses in JSON are "0x..." strings (bytes and counts are integers).
std::string json_address(uint64_t address);

// Parses a size typed by a user: decimal, 0x hex, or with a binary unit ("64k").
// Throws leakdbg::Error naming the option on anything malformed.
// `hex_default`: bare digits are hex, as WinDbg reads them (input read from Windows text,
// HeapModel::caps.sizes_in_hex); "0n48" is decimal either way.
uint64_t parse_size_option(const std::string& text, const std::string& option,
                           bool hex_default = false);

// Parses an address argument by util's parse_address (hex by default, 0x hex, 0n decimal).
// Throws leakdbg::Error with exit code 2 on anything malformed: a usage error, which `block`
// must not report as its exit 1 (address in no block).
uint64_t parse_address_argument(const std::string& text);

}  // namespace leakdbg::cli
