#include "config_parser.h"

#include <vector>

namespace demo {

namespace {

std::string_view trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(start, end - start + 1);
}

}  // namespace

bool ConfigParser::parse(std::string_view text) {
  ++parses_;
  // Lines are copied out first, as a tokenizer would: temporary memory, freed on return.
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  bool ok = true;
  std::string_view section;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = trim(lines[i]);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = line == "[base]" ? "base" : "options";
      continue;
    }
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      report_error(i + 1, "expected key = value");
      ok = false;
      continue;
    }
    std::string_view key = trim(line.substr(0, equals));
    std::string_view value = trim(line.substr(equals + 1));
    if (section == "base")
      read_defaults(key, value);
    else
      parse_option(key, value);
  }
  return ok;
}

// Kept out of line so that its frame shows in allocation stacks even at -O2: the leak's
// site must name this function, not the caller it would be inlined into.
[[gnu::noinline]] void ConfigParser::read_defaults(std::string_view key, std::string_view value) {
  if (key.empty()) return;
  defaults_history_.emplace_back(value);
}

void ConfigParser::parse_option(std::string_view key, std::string_view value) {
  options_[std::string(key)] = std::string(value);
}

void ConfigParser::report_error(uint64_t line, const char* reason) {
  last_error_ = new ParseErrorReport(line, reason);
}

}  // namespace demo

extern "C" demo::ConfigPlugin* demo_create_config_plugin() { return new demo::ConfigParser(); }
