// WinDbg `!heap` text: each parser on the raw lines, then the whole import with detection.
// Any input must end in a model or a leakdbg::Error, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/error.h"
#include "winimport/import.h"
#include "winimport/model_builder.h"
#include "winimport/parsers.h"
#include "winimport/text_lines.h"

using namespace leakdbg::winimport;

template <typename Parse>
static void try_parser(const std::vector<Line>& lines, Parse parse) {
  TextSource source("fuzz", "fuzz");
  ModelBuilder model(source);
  try {
    parse(lines, source, model);
    (void)model.finish("fuzz");
  } catch (const leakdbg::Error&) {
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto lines = split_lines(text);
  try_parser(lines, parse_heap_summary);
  try_parser(lines, parse_heap_stat);
  try_parser(lines, parse_heap_blocks);
  try {
    if (looks_like_windows_text(text)) (void)import_text(text, "fuzz");
  } catch (const leakdbg::Error&) {
  }
  return 0;
}
