// UMDH logs and diffs: both parsers on the raw lines. Any input must end in models or a
// leakdbg::Error, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/error.h"
#include "winimport/model_builder.h"
#include "winimport/parsers.h"
#include "winimport/text_lines.h"

using namespace leakdbg::winimport;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto lines = split_lines(text);
  TextSource source("fuzz", "fuzz");
  try {
    ModelBuilder model(source);
    parse_umdh_log(lines, source, model);
    (void)model.finish("umdh");
  } catch (const leakdbg::Error&) {
  }
  try {
    ModelBuilder old_model(source), new_model(source);
    parse_umdh_diff(lines, source, old_model, new_model);
    (void)old_model.finish("umdh-diff");
    (void)new_model.finish("umdh-diff");
  } catch (const leakdbg::Error&) {
  }
  return 0;
}
