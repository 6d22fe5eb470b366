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

// The site's own frame reads as frame text names it (short unless --full-names); a caller
// or callee that only tells two sites apart loses its parameters too.
std::string place(const SymbolicFrame& frame, bool is_site) {
  if (frame.function.empty()) return frame_to_text(frame);
  std::string text = is_site ? function_text(frame) : function_text(frame.function, false);
  if (!frame.file.empty())
    text += "  " + std::filesystem::path(frame.file).filename().string() + ":" +
            std::to_string(frame.line);
  return text;
}

}  // namespace

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
