// Splits saved text into the outputs of single commands. A WinDbg session log is cut at its
// prompts ("0:000> !heap -s"); text without prompts is cut where the header of another
// output begins. Each piece is then read by the parser of its kind.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "winimport/text_lines.h"

namespace leakdbg::winimport {

enum class TextKind {
  kOther,        // output of a command we do not import (ln, dt, ...), or preamble
  kHeapSummary,  // !heap -s
  kHeapStat,     // !heap -stat
  kHeapBlocks,   // !heap -flt s|r, !heap -p -a
  kUmdhLog,      // umdh -p:PID -f:log.txt
  kUmdhDiff,     // umdh log1 log2
};

const char* text_kind_name(TextKind kind);  // "WinDbg !heap -s", "UMDH diff", ...

struct Section {
  TextKind kind = TextKind::kOther;
  std::vector<Line> lines;  // the command's output, without its prompt line
};

// The command typed after a debugger prompt ("0:000> ", "0:000:x86> ", "kd> "), if the
// line is a prompt line.
std::optional<std::string_view> prompt_command(std::string_view line);

TextKind kind_of_command(std::string_view command);

std::vector<Section> split_sections(const std::vector<Line>& lines);

// Cheap per-line tests shared by detection and splitting.
bool is_umdh_diff_record(std::string_view line);
bool is_umdh_log_record(std::string_view line);
// The command line an author kept above UMDH output: "> umdh.exe log1.txt log2.txt",
// "C:\tools> umdh -p:1234 -f:a.log", "umdh -d old.txt new.txt".
bool is_umdh_command_line(std::string_view line);

}  // namespace leakdbg::winimport
