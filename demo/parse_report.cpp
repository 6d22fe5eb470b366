#include "parse_report.h"

#include <cstring>

namespace demo {

ParseErrorReport::ParseErrorReport(uint64_t line, const char* reason) : line_(line) {
  std::strncpy(reason_, reason, sizeof reason_ - 1);
  reason_[sizeof reason_ - 1] = '\0';
}

std::string ParseErrorReport::describe() const {
  return "line " + std::to_string(line_) + ": " + reason_;
}

}  // namespace demo
