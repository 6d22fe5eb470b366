// What the configuration parser reports about a malformed line. Polymorphic on purpose:
// a leaked report is then named by its class through its vtable pointer.
#pragma once

#include <cstdint>
#include <string>

namespace demo {

class Report {
 public:
  virtual ~Report() = default;
  virtual std::string describe() const = 0;
};

class ParseErrorReport final : public Report {
 public:
  ParseErrorReport(uint64_t line, const char* reason);
  std::string describe() const override;

 private:
  uint64_t line_;
  char reason_[56];  // fixed so that every report is one 72-byte block
};

}  // namespace demo
