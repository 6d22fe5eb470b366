// Numbers typed as option values, read the same way by every command: one clear line and
// exit code 2 (a usage error) for anything malformed or out of range. CLI11's own conversions
// accept "-1" for unsigned options (it wraps), "nan" and "inf" for seconds, and round
// "1.5" to 2; these do not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace leakdbg::cli {

class CommandOptions;

// Sampling and snapshot intervals (`top --interval`, `run --interval`): a snapshot every
// 50 ms is already more than any disk wants.
inline constexpr double kMinIntervalSeconds = 0.05;
inline constexpr double kMaxIntervalSeconds = 86400;

// Row limits (--top and its alias --limit): 0 means all rows.
inline constexpr uint64_t kMaxRows = 1000000;

// The row limit of a command: "--top N", with "--limit N" kept as its other name; a whole
// number from 0 (all rows) to kMaxRows, a usage error otherwise.
void add_row_limit(CommandOptions& app, size_t& rows, const std::string& help);

// A whole decimal number in [min, max]; "--count: give a whole number from 1 to 1000000".
uint64_t parse_count_value(const std::string& text, const std::string& option, uint64_t min,
                           uint64_t max);

// Seconds: a finite decimal number in [min, max], or exactly 0 when `zero_means_off`.
double parse_seconds_value(const std::string& text, const std::string& option, double min,
                           double max, bool zero_means_off = false);

// A process id: decimal digits only (no 0x: "10" and "0x10" must not name the same process),
// 1 up to the kernel's limit.
int parse_pid_value(const std::string& text);

}  // namespace leakdbg::cli
