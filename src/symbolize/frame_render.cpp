#include "symbolize/frame_render.h"

#include "symbolize/short_name.h"
#include "symbolize/symbolizer.h"
#include "util/units.h"

namespace leakdbg {

namespace {

bool g_full_function_names = false;

}  // namespace

void set_full_function_names(bool full) { g_full_function_names = full; }

std::string function_text(const std::string& name, bool overloaded) {
  return g_full_function_names ? name : short_function_name(name, overloaded);
}

std::string function_text(const SymbolicFrame& frame) {
  return function_text(frame.function, frame.overloaded);
}

nlohmann::json frame_to_json(const SymbolicFrame& frame) {
  return {{"address", format_hex(frame.address)},
          {"module", frame.module},
          {"function", frame.function},
          {"short_function", short_function_name(frame.function, frame.overloaded)},
          {"file", frame.file},
          {"line", frame.line},
          {"inlined", frame.inlined}};
}

nlohmann::json frames_to_json(const std::vector<SymbolicFrame>& frames) {
  auto out = nlohmann::json::array();
  for (const auto& frame : frames) out.push_back(frame_to_json(frame));
  return out;
}

std::string frame_to_text(const SymbolicFrame& frame) {
  std::string text;
  if (!frame.function.empty()) {
    if (!frame.module.empty()) text = frame.module + "!";
    text += function_text(frame);
    // An inline expansion's offset counts from its own entry, not its caller's start.
    if (frame.offset) text += "+" + format_hex(frame.offset);
  } else if (!frame.module.empty()) {
    text = frame.module + "+" + format_hex(frame.offset);
  } else {
    text = format_hex(frame.address);
  }
  if (!frame.file.empty()) {
    text += "  " + frame.file;
    if (frame.line) text += ":" + std::to_string(frame.line);
  }
  if (frame.inlined) text += "  [inlined]";
  return text;
}

namespace {

// Frames read from UMDH text carry no address: "-" rather than a made-up 0x0.
std::string address_text(const SymbolicFrame& frame) {
  return frame.address == 0 && !frame.function.empty() ? "-" : format_hex(frame.address);
}

}  // namespace

void print_stack(std::ostream& out, const std::vector<SymbolicFrame>& frames, bool fold_runtime) {
  for (size_t i = 0; i < frames.size(); ++i) {
    if (fold_runtime && is_runtime_frame(frames[i])) {
      size_t run_end = i;
      while (run_end + 1 < frames.size() && is_runtime_frame(frames[run_end + 1])) ++run_end;
      if (run_end > i) {
        // The outermost runtime frame is the one the program called (operator new,
        // std::vector::push_back...), the most telling of the run.
        out << "    " << address_text(frames[run_end]) << "  " << frame_to_text(frames[run_end])
            << "  (+" << (run_end - i) << " runtime frames folded)\n";
        i = run_end;
        continue;
      }
    }
    out << "    " << address_text(frames[i]) << "  " << frame_to_text(frames[i]) << "\n";
  }
}

const SymbolicFrame* first_user_frame(const std::vector<SymbolicFrame>& frames) {
  for (const auto& frame : frames)
    if (!is_runtime_frame(frame)) return &frame;
  return nullptr;
}

}  // namespace leakdbg
