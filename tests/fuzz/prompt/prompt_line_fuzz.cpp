// Any line typed at the prompt: parsed (never throws), then run on an imported heap state
// (only leakdbg::Error may come out, reported as one line by run_line).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "prompt/command_parser.h"
#include "prompt/session.h"

using namespace leakdbg::prompt;

static Session& session() {
  static Session s = [] {
    leakdbg::SymbolizerOptions options;
    options.warn = false;
    return Session::open({std::string(LEAKDBG_WINDOWS_DATA) + "/session.txt",
                          std::string(LEAKDBG_WINDOWS_DATA) + "/umdh-log.txt"},
                         options);
  }();
  return s;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  for (const auto& text : split_command_list(line)) {
    ParseResult r = parse_command(text);
    if (r.command.has_value() == !r.error.empty()) __builtin_trap();  // exactly one of them
  }
  std::ostringstream out, err;
  session().run_line(line, out, err);
  return 0;
}
