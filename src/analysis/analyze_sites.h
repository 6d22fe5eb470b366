// Gives the interned stacks of every run their symbols and merges them into call sites that
// hold no addresses: two stacks are one site when their frames match by module, function,
// file and line (group_key.h's frame_identity), so snapshots of two runs of one build line
// up despite ASLR.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/analyze_digest.h"
#include "model/heap_model.h"
#include "symbolize/symbolizer.h"

namespace leakdbg::analysis {

// Symbolic frames for the stacks of one run.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual std::vector<SymbolicFrame> frames_of(const Stack& stack) = 0;
};

// Makes the frame source of one run from its header-and-modules model, which outlives it.
using FrameSourceFactory = std::function<std::unique_ptr<FrameSource>(const HeapModel& modules)>;

// The real thing: an elfutils Symbolizer per run.
FrameSourceFactory symbolizer_frames(SymbolizerOptions options = {});

struct SiteInfo {
  SiteKind kind = SiteKind::kHeap;
  std::vector<SymbolicFrame> frames;  // innermost first; empty if the stack was unknown
  std::string key;                    // kind + frame identities; equal keys, same site
};

struct ResolvedSites {
  std::vector<SiteInfo> sites;
  // Per digest (same order as Digester::digests()): its cells with SiteCell::stack now a
  // site id, one cell per site, sorted by site id.
  std::vector<std::vector<SiteCell>> cells;
};

ResolvedSites resolve_sites(const Digester& digester, const FrameSourceFactory& factory);

// The innermost frame that is not the allocator or the C++ runtime: the frame that names a
// site in reports. nullptr if there is none.
const SymbolicFrame* site_frame(const std::vector<SymbolicFrame>& frames);

}  // namespace leakdbg::analysis
