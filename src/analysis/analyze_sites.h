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
#include "analysis/site_label.h"
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
  SiteLabel label;                    // which frame names it (site_label.h)
};

struct ResolvedSites {
  std::vector<SiteInfo> sites;
  const SiteInfo& site(SiteId id) const { return sites[index_of(id)]; }
  // Per digest (same order as Digester::digests()): its stack cells merged into one cell per
  // site, sorted by site id.
  std::vector<std::vector<SiteCell>> cells;
};

// Symbolizes every run's stacks, merges them into sites and labels the sites (all of them
// at once, so that forwarding wrappers are recognised).
ResolvedSites resolve_sites(const Digester& digester, const FrameSourceFactory& factory,
                            const SiteLabelOptions& labels = {});

}  // namespace leakdbg::analysis
