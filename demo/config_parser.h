// The demo plugin's configuration parser: the code with the leak leakdbg is meant to find.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <string_view>

#include "parse_report.h"
#include "plugin_api.h"

namespace demo {

class ConfigParser final : public ConfigPlugin {
 public:
  bool parse(std::string_view text) override;
  size_t settings() const override { return options_.size() + defaults_history_.size(); }

 private:
  void read_defaults(std::string_view key, std::string_view value);
  void parse_option(std::string_view key, std::string_view value);
  void report_error(uint64_t line, const char* reason);

  // The leak: every [base] value ever parsed is kept "for diagnostics" and never trimmed.
  std::list<std::string> defaults_history_;
  // Not a leak: options are replaced by each parse and stay at a steady size.
  std::map<std::string, std::string> options_;
  // The second leak: each malformed line's report replaces the last without deleting it.
  const Report* last_error_ = nullptr;
  uint64_t parses_ = 0;
};

}  // namespace demo
