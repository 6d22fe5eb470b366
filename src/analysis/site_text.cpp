#include "analysis/site_text.h"

#include <filesystem>

#include "symbolize/frame_render.h"

namespace leakdbg::analysis {

namespace {

const SymbolicFrame* frame_at(const std::vector<SymbolicFrame>& frames, int index) {
  return index >= 0 && static_cast<size_t>(index) < frames.size()
             ? &frames[static_cast<size_t>(index)]
             : nullptr;
}

// The function without its parameter list: the trailing "(...)" (and any " const") goes.
std::string without_parameters(std::string_view function) {
  size_t end = function.size();
  if (function.ends_with(" const")) end -= 6;
  if (end == 0 || function[end - 1] != ')') return std::string(function);
  int depth = 0;
  for (size_t i = end; i-- > 0;) {
    if (function[i] == ')') ++depth;
    if (function[i] == '(' && --depth == 0)
      return i > 0 ? std::string(function.substr(0, i)) : std::string(function);
  }
  return std::string(function);
}

// "std::_List_node<T>* std::__cxx11::list<T, A>::_M_create_node<X>" ->
// "std::__cxx11::list::_M_create_node": what a "via" needs to say, without the template
// arguments and the return type that make library names unreadable.
std::string bare_function(std::string_view function) {
  std::string name = without_parameters(function);
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '<') ++depth;
    if (depth == 0) out += c;
    if (c == '>' && depth > 0) --depth;
  }
  size_t space = out.rfind(' ');
  if (space != std::string::npos && !out.starts_with("operator")) out = out.substr(space + 1);
  return out;
}

// The site's own frame reads as frame text names it (short unless --full-names); a caller
// or callee that only tells two sites apart is named bare.
std::string place(const SymbolicFrame& frame, bool is_site) {
  if (frame.function.empty()) return frame_to_text(frame);
  std::string text =
      is_site ? function_text(frame) : bare_function(function_text(frame.function, false));
  if (!frame.file.empty())
    text += "  " + source_file_name(frame.file) + ":" + std::to_string(frame.line);
  return text;
}

}  // namespace

std::string source_file_name(const std::string& path) {
  // Windows paths from imported text use backslashes, which are not separators here.
  size_t cut = path.find_last_of("/\\");
  return cut == std::string::npos ? path : path.substr(cut + 1);
}

std::string site_text(const std::vector<SymbolicFrame>& frames, const SiteLabel& label) {
  const SymbolicFrame* site = frame_at(frames, label.frame);
  if (!site) return frames.empty() ? "(no stack)" : frame_to_text(frames.front());
  std::string text = place(*site, true);
  if (const SymbolicFrame* from = frame_at(frames, label.from))
    text += "  (from " + place(*from, false) + ")";
  else if (const SymbolicFrame* via = frame_at(frames, label.via))
    text += "  (via " + place(*via, false) + ")";
  return text;
}

nlohmann::json site_json(const std::vector<SymbolicFrame>& frames, const SiteLabel& label) {
  const SymbolicFrame* site = frame_at(frames, label.frame);
  return site ? frame_to_json(*site) : nlohmann::json(nullptr);
}

void add_site_fields(nlohmann::json& object, const std::vector<SymbolicFrame>& frames,
                     const SiteLabel& label) {
  object["site"] = site_json(frames, label);
  if (const SymbolicFrame* from = frame_at(frames, label.from))
    object["site_from"] = frame_to_json(*from);
  if (const SymbolicFrame* via = frame_at(frames, label.via))
    object["site_via"] = frame_to_json(*via);
  if (const SymbolicFrame* wrapper = frame_at(frames, label.wrapper))
    object["site_wrapper"] = frame_to_json(*wrapper);
}

}  // namespace leakdbg::analysis
