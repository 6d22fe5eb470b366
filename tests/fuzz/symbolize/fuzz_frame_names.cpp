// Function names come from symbol tables and from imported Windows text: demangling,
// runtime classification and rendering must take any bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "symbolize/demangle.h"
#include "symbolize/frame_render.h"
#include "symbolize/symbolizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  leakdbg::SymbolicFrame frame;
  frame.function = leakdbg::demangle(text);
  frame.module = text.substr(0, text.size() / 2);
  frame.file = text;
  frame.line = static_cast<uint32_t>(size);
  frame.inlined = size % 2;
  (void)leakdbg::is_runtime_frame(frame);
  (void)leakdbg::frame_to_text(frame);
  (void)leakdbg::frame_to_json(frame).dump(-1, ' ', false,
                                           nlohmann::json::error_handler_t::replace);
  return 0;
}
