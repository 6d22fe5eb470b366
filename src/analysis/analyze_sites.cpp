#include "analysis/analyze_sites.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "analysis/group_key.h"
#include "symbolize/frame_render.h"

namespace leakdbg::analysis {

namespace {

void merge_into(SiteCell& into, const SiteCell& from) {
  into.bytes += from.bytes;
  into.blocks += from.blocks;
  into.survivors += from.survivors;
  into.oldest_age_ns = std::max(into.oldest_age_ns, from.oldest_age_ns);
  into.youngest_age_ns = std::min(into.youngest_age_ns, from.youngest_age_ns);
  into.age_sum_ns += from.age_sum_ns;
  for (auto part : {&SiteCell::unreachable, &SiteCell::indirect, &SiteCell::possibly,
                    &SiteCell::unclassified}) {
    (into.*part).blocks += (from.*part).blocks;
    (into.*part).bytes += (from.*part).bytes;
  }
}

SiteCell as_site_cell(const StackCell& cell, SiteId site) {
  SiteCell out;
  out.id = site;
  out.bytes = cell.bytes;
  out.blocks = cell.blocks;
  out.survivors = cell.survivors;
  out.oldest_age_ns = cell.oldest_age_ns;
  out.youngest_age_ns = cell.youngest_age_ns;
  out.age_sum_ns = cell.age_sum_ns;
  out.unreachable = cell.unreachable;
  out.indirect = cell.indirect;
  out.possibly = cell.possibly;
  out.unclassified = cell.unclassified;
  return out;
}

// Names the globals of memory roots: one symbol lookup per global, the slots being sorted.
class GlobalNames {
 public:
  explicit GlobalNames(FrameSource& source) : source_(source) {}
  std::string name_of(uint64_t slot) {
    if (!known_ || slot < known_->start || slot >= known_->start + known_->size) {
      known_ = source_.data_symbol(slot);
      if (known_ &&
          (slot < known_->start || slot >= known_->start + std::max<uint64_t>(known_->size, 1)))
        known_.reset();
    }
    return known_ ? known_->name : std::string();
  }

 private:
  FrameSource& source_;
  std::optional<DataSymbol> known_;
};

std::vector<SiteHolder> resolve_holders(const SnapshotDigest& digest, FrameSource& source,
                                        const std::vector<SiteId>& site_of_stack) {
  std::vector<const HolderCell*> order;
  for (const HolderCell& h : digest.holders) order.push_back(&h);
  std::sort(order.begin(), order.end(),
            [](const HolderCell* a, const HolderCell* b) { return a->slot < b->slot; });
  GlobalNames names(source);
  std::map<std::tuple<SiteId, HolderRoot, std::optional<SiteId>>, LiveTotal> merged;
  for (const HolderCell* h : order) {
    HolderRoot root;
    root.kind = h->root;
    if (h->root == ReferrerKind::kMemory) {
      if (h->module < digest.holder_modules.size()) {
        root.module = digest.holder_modules[h->module];
        root.symbol = names.name_of(h->slot);
      }
    } else {
      root.tid = h->tid;
      if (auto it = digest.thread_names.find(h->tid); it != digest.thread_names.end())
        root.thread_name = it->second;
    }
    std::optional<SiteId> container;
    if (h->container) container = site_of_stack[index_of(*h->container)];
    const SiteId site = site_of_stack[index_of(digest.cells[h->cell].id)];
    LiveTotal& total = merged[{site, std::move(root), container}];
    total.blocks += h->blocks;
    total.bytes += h->bytes;
  }
  std::vector<SiteHolder> out;
  for (auto& [key, total] : merged)
    out.push_back(SiteHolder{std::get<0>(key), std::get<1>(key), std::get<2>(key), total.blocks,
                             total.bytes});
  return out;
}

}  // namespace

ResolvedSites resolve_sites(const Digester& digester, const FrameSourceFactory& factory,
                            const SiteLabelOptions& labels) {
  ResolvedSites resolved;
  std::unordered_map<std::string, SiteId> site_of_key;
  std::vector<std::vector<SiteId>> site_of_stack(digester.runs().size());
  std::vector<std::unique_ptr<FrameSource>> sources;
  for (size_t r = 0; r < digester.runs().size(); ++r) {
    const RunStacks& run = digester.runs()[r];
    sources.push_back(factory(run.modules));
    FrameSource* source = sources.back().get();
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
          site_of_key.try_emplace(info.key, static_cast<SiteId>(resolved.sites.size()));
      if (inserted) resolved.sites.push_back(std::move(info));
      site_of_stack[r][s] = it->second;
    }
  }
  std::vector<const std::vector<SymbolicFrame>*> stacks;
  for (const SiteInfo& site : resolved.sites) stacks.push_back(&site.frames);
  std::vector<SiteLabel> site_labels = label_sites(stacks, labels);
  for (size_t i = 0; i < resolved.sites.size(); ++i) resolved.sites[i].label = site_labels[i];

  for (const SnapshotDigest& digest : digester.digests()) {
    std::vector<SiteCell> cells;
    cells.reserve(digest.cells.size());
    for (const StackCell& cell : digest.cells)
      cells.push_back(as_site_cell(cell, site_of_stack[digest.run][index_of(cell.id)]));
    std::sort(cells.begin(), cells.end(),
              [](const SiteCell& a, const SiteCell& b) { return a.id < b.id; });
    std::vector<SiteCell> merged;
    for (const SiteCell& cell : cells) {
      if (!merged.empty() && merged.back().id == cell.id)
        merge_into(merged.back(), cell);
      else
        merged.push_back(cell);
    }
    resolved.cells.push_back(std::move(merged));
    resolved.holders.push_back(
        digest.holders.empty()
            ? std::vector<SiteHolder>()
            : resolve_holders(digest, *sources[digest.run], site_of_stack[digest.run]));
  }
  return resolved;
}

}  // namespace leakdbg::analysis
