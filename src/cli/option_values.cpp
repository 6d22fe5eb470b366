#include "cli/option_values.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "cli/command_options.h"
#include "util/error.h"
#include "util/terminal_text.h"
#include "util/units.h"

namespace leakdbg::cli {

namespace {

std::string shown(const std::string& text) {
  return "'" + escape_control_chars(text.substr(0, 40)) + (text.size() > 40 ? "...'" : "'");
}

std::string number_text(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

// The value, or nullopt with `problem` saying why not (without the option's name).
std::optional<uint64_t> count_value(const std::string& text, uint64_t min, uint64_t max,
                                    std::string& problem) {
  bool digits = !text.empty() && text.size() <= 19 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  uint64_t value = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (digits && value >= min && value <= max) return value;
  problem = shown(text) + " is not a whole number from " + std::to_string(min) + " to " +
            std::to_string(max);
  return std::nullopt;
}

}  // namespace

uint64_t parse_count_value(const std::string& text, const std::string& option, uint64_t min,
                           uint64_t max) {
  std::string problem;
  auto value = count_value(text, min, max, problem);
  if (!value) throw Error(option + ": " + problem, 2);
  return *value;
}

double parse_seconds_value(const std::string& text, const std::string& option, double min,
                           double max, bool zero_means_off) {
  std::string range = zero_means_off ? "0 (off) or " : "";
  range += number_text(min) + " to " + number_text(max) + " seconds";
  char* end = nullptr;
  errno = 0;
  double value = text.empty() ? NAN : std::strtod(text.c_str(), &end);
  bool number = !text.empty() && end && *end == '\0' && errno == 0 && std::isfinite(value) &&
                text.find_first_of("xXpPnN") == std::string::npos;  // no hex floats, nan, inf
  if (number && zero_means_off && value == 0) return 0;
  if (!number) throw Error(option + ": " + shown(text) + " is not a number; give " + range, 2);
  if (value < min || value > max)
    throw Error(option + ": " + shown(text) + " is out of range; give " + range, 2);
  return value;
}

void add_row_limit(CommandOptions& app, size_t& rows, const std::string& help) {
  app.add_option("--top,--limit", rows, help)
      ->capture_default_str()
      ->check(
          [](const std::string& text) -> std::string {
            std::string problem;
            return count_value(text, 0, kMaxRows, problem) ? "" : problem;
          },
          "N");
}

int parse_pid_value(const std::string& text) {
  bool digits = !text.empty() && text.size() <= 10 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  long long value = digits ? std::strtoll(text.c_str(), nullptr, 10) : 0;
  // The kernel's pid_max is at most 2^22.
  if (!digits || value < 1 || value > (1 << 22))
    throw Error(shown(text) + " is not a process id (a decimal number such as 4242)", 2);
  return static_cast<int>(value);
}

}  // namespace leakdbg::cli
