#include "analysis/analyze_sites.h"

#include <algorithm>
#include <unordered_map>

#include "analysis/group_key.h"
#include "symbolize/frame_render.h"

namespace leakdbg::analysis {

namespace {

// Frames expanded from inlined standard-library headers (std::vector::push_back inlined into
// the caller) are runtime too, whatever their function is called.
bool is_header_frame(const SymbolicFrame& frame) {
  return frame.file.starts_with("/usr/include/") || frame.function.starts_with("std::") ||
         frame.function.starts_with("__gnu_cxx::");
}

void merge_into(SiteCell& into, const SiteCell& from) {
  into.bytes += from.bytes;
  into.blocks += from.blocks;
  into.survivors += from.survivors;
  into.oldest_age_ns = std::max(into.oldest_age_ns, from.oldest_age_ns);
  into.youngest_age_ns = std::min(into.youngest_age_ns, from.youngest_age_ns);
  into.age_sum_ns += from.age_sum_ns;
}

}  // namespace

const SymbolicFrame* site_frame(const std::vector<SymbolicFrame>& frames) {
  const SymbolicFrame* user = first_user_frame(frames);
  if (!user) return nullptr;
  for (auto it = frames.begin() + (user - frames.data()); it != frames.end(); ++it)
    if (!is_runtime_frame(*it) && !is_header_frame(*it)) return &*it;
  return user;
}

ResolvedSites resolve_sites(const Digester& digester, const FrameSourceFactory& factory) {
  ResolvedSites resolved;
  std::unordered_map<std::string, uint32_t> site_of_key;
  std::vector<std::vector<uint32_t>> site_of_stack(digester.runs().size());
  for (size_t r = 0; r < digester.runs().size(); ++r) {
    const RunStacks& run = digester.runs()[r];
    std::unique_ptr<FrameSource> source = factory(run.modules);
    site_of_stack[r].resize(run.stacks.size());
    for (size_t s = 0; s < run.stacks.size(); ++s) {
      SiteInfo info;
      info.kind = run.kinds[s];
      if (run.stacks[s].id != 0) info.frames = source->frames_of(run.stacks[s]);
      info.key = std::string(site_kind_name(info.kind));
      if (info.frames.empty()) info.key += "\n(no stack)";
      for (const SymbolicFrame& frame : info.frames) {
        info.key += '\n';
        info.key += frame_identity(frame);
      }
      auto [it, inserted] =
          site_of_key.try_emplace(info.key, static_cast<uint32_t>(resolved.sites.size()));
      if (inserted) resolved.sites.push_back(std::move(info));
      site_of_stack[r][s] = it->second;
    }
  }
  for (const SnapshotDigest& digest : digester.digests()) {
    std::vector<SiteCell> cells;
    cells.reserve(digest.cells.size());
    for (SiteCell cell : digest.cells) {
      cell.stack = site_of_stack[digest.run][cell.stack];
      cells.push_back(cell);
    }
    std::sort(cells.begin(), cells.end(),
              [](const SiteCell& a, const SiteCell& b) { return a.stack < b.stack; });
    std::vector<SiteCell> merged;
    for (const SiteCell& cell : cells) {
      if (!merged.empty() && merged.back().stack == cell.stack)
        merge_into(merged.back(), cell);
      else
        merged.push_back(cell);
    }
    resolved.cells.push_back(std::move(merged));
  }
  return resolved;
}

}  // namespace leakdbg::analysis
