#include "report/flame_tree.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "export/stack_profile.h"

namespace leakdbg::report {

namespace {

struct Node {
  uint32_t name = 0;
  int64_t live = 0, grow = 0, change = 0, blocks = 0, block_change = 0;
  std::vector<uint32_t> children;
};

class TreeBuilder {
 public:
  TreeBuilder() {
    name_of("all");
    nodes_.push_back(Node{});
  }

  uint32_t name_of(const std::string& text) {
    auto [it, inserted] = names_index_.try_emplace(text, static_cast<uint32_t>(names_.size()));
    if (inserted) names_.push_back(text);
    return it->second;
  }

  uint32_t child(uint32_t parent, uint32_t name) {
    uint64_t key = (uint64_t{parent} << 32) | name;
    auto [it, inserted] = child_index_.try_emplace(key, static_cast<uint32_t>(nodes_.size()));
    if (inserted) {
      nodes_.push_back(Node{});
      nodes_.back().name = name;
      nodes_[parent].children.push_back(it->second);
    }
    return it->second;
  }

  void add(uint32_t node, const analysis::LiveTotal& first, const analysis::LiveTotal& last) {
    Node& n = nodes_[node];
    int64_t change = static_cast<int64_t>(last.bytes) - static_cast<int64_t>(first.bytes);
    n.live += static_cast<int64_t>(last.bytes);
    n.grow += std::max<int64_t>(change, 0);
    n.change += change;
    n.blocks += static_cast<int64_t>(last.blocks);
    n.block_change += static_cast<int64_t>(last.blocks) - static_cast<int64_t>(first.blocks);
  }

  nlohmann::json emit(uint32_t index, const FlameOptions& options) const {
    const Node& root = nodes_[0];
    double live_floor = static_cast<double>(root.live) * options.min_fraction;
    double grow_floor = static_cast<double>(root.grow) * options.min_fraction;
    const Node& n = nodes_[index];
    std::vector<uint32_t> kept;
    for (uint32_t c : n.children) {
      const Node& child = nodes_[c];
      if (static_cast<double>(child.live) >= live_floor && child.live > 0)
        kept.push_back(c);
      else if (static_cast<double>(child.grow) >= grow_floor && child.grow > 0)
        kept.push_back(c);
    }
    // Widest first: the order flame graphs are easiest to read in.
    std::sort(kept.begin(), kept.end(), [&](uint32_t a, uint32_t b) {
      return nodes_[a].live != nodes_[b].live ? nodes_[a].live > nodes_[b].live
                                              : nodes_[a].grow > nodes_[b].grow;
    });
    nlohmann::json children = nlohmann::json::array();
    for (uint32_t c : kept) children.push_back(emit(c, options));
    return nlohmann::json::array(
        {n.name, n.live, n.grow, n.change, n.blocks, n.block_change, std::move(children)});
  }

  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<Node> nodes_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t> names_index_;
  std::unordered_map<uint64_t, uint32_t> child_index_;
};

}  // namespace

nlohmann::json flame_tree(const std::vector<analysis::SiteSeries>& sites, size_t first, size_t last,
                          const FlameOptions& options) {
  TreeBuilder tree;
  uint32_t heap = tree.name_of("[heap]"), mmap = tree.name_of("[mmap]"),
           no_stack = tree.name_of("[no stack]");
  for (const analysis::SiteSeries& site : sites) {
    if (first >= site.points.size() || last >= site.points.size()) continue;
    const analysis::LiveTotal& a = site.points[first];
    const analysis::LiveTotal& b = site.points[last];
    if (a.bytes == 0 && b.bytes == 0) continue;
    std::vector<uint32_t> path{0};
    path.push_back(tree.child(0, site.kind == analysis::SiteKind::kHeap ? heap : mmap));
    if (site.frames.empty()) path.push_back(tree.child(path.back(), no_stack));
    // Root first: the outermost caller at the top of the icicle.
    size_t depth = 0;
    for (auto frame = site.frames.rbegin(); frame != site.frames.rend(); ++frame) {
      if (++depth > options.max_depth) break;
      path.push_back(tree.child(path.back(), tree.name_of(exporter::short_frame_name(*frame))));
    }
    for (uint32_t node : path) tree.add(node, a, b);
  }
  return {{"names", tree.names()}, {"root", tree.emit(0, options)}};
}

}  // namespace leakdbg::report
