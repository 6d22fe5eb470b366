#include "export/collapsed.h"

namespace leakdbg::exporter {

namespace {

// ';' separates frames and a newline ends the line; neither may appear inside a name.
void append_name(std::string& out, const std::string& name) {
  for (char c : name) out.push_back(c == ';' ? ':' : c == '\n' || c == '\r' ? ' ' : c);
}

}  // namespace

std::string collapsed_stacks(const StackProfile& profile) {
  std::string out;
  for (const ProfileSample& sample : profile.samples) {
    if (sample.bytes <= 0) continue;
    // The kind is the root, so heap and mmap memory form two towers.
    out += sample.kind == MemoryKind::kHeap ? "[heap]" : "[mmap]";
    for (auto location = sample.locations.rbegin(); location != sample.locations.rend();
         ++location) {
      const auto& lines = profile.locations[*location].lines;
      for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
        out.push_back(';');
        append_name(out, short_frame_name(*line));
      }
    }
    out += ' ' + std::to_string(sample.bytes) + '\n';
  }
  return out;
}

}  // namespace leakdbg::exporter
