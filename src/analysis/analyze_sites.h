// Gives the interned stacks of every run their symbols and merges them into call sites that
// hold no addresses: two stacks are one site when their frames match by module, function,
// file and line (group_key.h's frame_identity), so snapshots of two runs of one build line
// up despite ASLR.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/analyze_digest.h"
#include "analysis/site_label.h"
#include "model/heap_model.h"
#include "symbolize/symbolizer.h"

namespace leakdbg::analysis {

// A module's variable, found by an address inside it.
struct DataSymbol {
  std::string name;  // demangled
  uint64_t start = 0, size = 0;
};

// Symbolic frames for the stacks of one run, and names of its globals.
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual std::vector<SymbolicFrame> frames_of(const Stack& stack) = 0;
  // The global variable holding `address`, if the module's symbols say.
  virtual std::optional<DataSymbol> data_symbol(uint64_t /*address*/) { return std::nullopt; }
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

// The root at the top of a retainer path, named: a global (module and symbol), or a
// thread's stack, TLS or registers.
struct HolderRoot {
  ReferrerKind kind = ReferrerKind::kNone;
  std::string module;  // memory roots: the module's path ("" outside every module)
  std::string symbol;  // memory roots: the global holding the pointer ("" if unknown)
  uint32_t tid = 0;    // thread roots
  std::string thread_name;
  auto operator<=>(const HolderRoot&) const = default;
};

// Some of a site's reachable blocks, held by one root through one container.
struct SiteHolder {
  SiteId site{};
  HolderRoot root;
  std::optional<SiteId> container;  // site of the block the root points at, if not the held one
  uint64_t blocks = 0, bytes = 0;
};

struct ResolvedSites {
  std::vector<SiteInfo> sites;
  const SiteInfo& site(SiteId id) const { return sites[index_of(id)]; }
  // Per digest (same order as Digester::digests()): its stack cells merged into one cell per
  // site, sorted by site id.
  std::vector<std::vector<SiteCell>> cells;
  // Per digest: its holders merged per site, root and container, sorted by site id (empty
  // for digests that kept none).
  std::vector<std::vector<SiteHolder>> holders;
};

// Symbolizes every run's stacks, merges them into sites and labels the sites (all of them
// at once, so that forwarding wrappers are recognised).
ResolvedSites resolve_sites(const Digester& digester, const FrameSourceFactory& factory,
                            const SiteLabelOptions& labels = {});

}  // namespace leakdbg::analysis
