// The WinDbg-syntax commands of `leakdbg open`, parsed from the text a user types. A pure
// function: any line gives a command or a one-line error, never an exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakdbg::prompt {

enum class CommandKind {
  kNothing,         // empty line
  kHeapSummary,     // !heap -s
  kHeapStat,        // !heap -stat [-h HEAP] [-grp A|B|S [MaxDisplay]]
  kHeapFilter,      // !heap -flt s SIZE | !heap -flt r MIN MAX
  kHeapAddress,     // !heap -p -a ADDR
  kHeapLeaks,       // !heap -l
  kHeapReferences,  // !heap -x ADDR
  kNearestSymbol,   // ln ADDR
  kListSnapshots,   // .snap
  kSwitchSnapshot,  // .snap N
  kHelp,            // ?
  kQuit,            // q
};

// -grp: WinDbg's grouping letters, all sorted largest first.
enum class StatOrder {
  kTotalSize,       // S (TOTSIZE), the default
  kBlockCount,      // B (BLOCKCOUNT)
  kAllocationSize,  // A (ALLOCATIONSIZE)
};

struct Command {
  CommandKind kind = CommandKind::kNothing;
  std::string heap;  // -h HEAP as typed (id or handle); empty: every heap
  StatOrder order = StatOrder::kTotalSize;
  size_t max_display = 20;
  uint64_t min_size = 0, max_size = 0;  // -flt: requested sizes in [min, max)
  uint64_t address = 0;                 // -p -a, ln
  size_t snapshot = 0;                  // .snap N
};

struct ParseResult {
  std::optional<Command> command;
  std::string error;  // set when command is empty
};

// Numbers as WinDbg reads them: hex by default, 0n for decimal, 0x, backtick in addresses.
// Addresses go through util's parse_address, as `leakdbg block` and `leakdbg ln` do.
ParseResult parse_command(std::string_view text);

// True for q, qq, quit, exit, .quit: lines the history does not keep.
bool is_quit_command(std::string_view line);

// "!heap -s; !heap -stat" -> its commands, trimmed; empty pieces dropped.
std::vector<std::string> split_command_list(std::string_view line);

}  // namespace leakdbg::prompt
