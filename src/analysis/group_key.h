// How blocks (and mmap regions) fall into groups for `stat --by`, `diff --by` and the leak
// ranking: by requested size, by call site, by the function or module that asked for the
// memory, or by the type hint of the block's contents.
//
// A group's key holds no addresses: a site is its stack's symbolic frames (module + function +
// file + line), so the same site compares equal across two snapshots, two processes and two
// runs of the same build (ASLR moves every address). Keys are computed once per distinct
// stack (or per distinct first bytes for type hints) and never per block, so grouping 2 M
// blocks costs one table lookup per block.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/site_label.h"
#include "model/heap_model.h"

namespace leakdbg {

class Symbolizer;

enum class GroupBy : uint8_t { kSize, kSite, kFunction, kModule, kType };

std::string_view group_by_name(GroupBy by);  // "size", "site", "function", "module", "type"
// Throws leakdbg::Error naming the accepted words on anything else.
GroupBy parse_group_by(std::string_view name);

// The address-free identity of a group. Equal keys mean "the same group" in any snapshot.
struct GroupKey {
  GroupBy by = GroupBy::kSize;
  uint64_t size = 0;  // kSize: the requested size (region length for regions)
  std::string text;   // other groupings: the identity text (see frame_identity)

  bool operator==(const GroupKey&) const = default;
  std::strong_ordering operator<=>(const GroupKey&) const = default;
};

struct GroupKeyHash {
  size_t operator()(const GroupKey& key) const;
};

// A frame as a site key sees it: "module!function file:line". Without a function:
// "module+0xoffset" (offset from the module's start, stable under ASLR); without a module
// either, the bare address (nothing better is known).
std::string frame_identity(const SymbolicFrame& frame);

// Everything a report needs about one group besides its counts.
struct GroupInfo {
  GroupKey key;
  // What a table shows: "48" style sizes are left to the renderer (label empty for kSize);
  // site -> the first user frame's text, function -> "module!function", module -> the
  // module's file name, type -> the hint. "(no stack)", "(unknown)" and "(no type)" name the
  // groups of blocks that lack the information.
  std::string label;
  // kSite: the stack's frames, innermost first. kFunction / kModule: the frames of the first
  // stack seen in the group (an example). Empty for kSize and kType.
  std::vector<SymbolicFrame> frames;
  // kSite / kFunction: which of `frames` names the site (see site_label.h).
  analysis::SiteLabel site;
};

// Assigns blocks and regions of one HeapModel to dense group indexes (0, 1, 2, ... in order
// of first appearance). Not thread-safe; one per model and grouping.
class BlockGrouper {
 public:
  // `symbolizer` must belong to `model`; it may be null only for GroupBy::kSize. Grouping by
  // site or function labels every stack of the model first (wrappers are recognised only
  // from all of them together).
  BlockGrouper(GroupBy by, const HeapModel& model, Symbolizer* symbolizer,
               const analysis::SiteLabelOptions& labels = {});
  ~BlockGrouper();
  BlockGrouper(const BlockGrouper&) = delete;
  BlockGrouper& operator=(const BlockGrouper&) = delete;

  GroupBy by() const { return by_; }
  uint32_t group_of(const Block& block);
  // Regions group by their stack like blocks; by size they group by length, by type all
  // fall into one "mmap region" group.
  uint32_t group_of(const Region& region);

  // References into the groups stay valid only until the next group_of (which may add one).
  const std::vector<GroupInfo>& groups() const { return groups_; }
  const GroupInfo& group(uint32_t index) const { return groups_.at(index); }

 private:
  struct Caches;
  uint32_t group_of_stack(uint32_t stack_id);
  void label_all_stacks(const analysis::SiteLabelOptions& labels);
  uint32_t intern(GroupKey key, std::string label, const std::vector<SymbolicFrame>* frames);

  GroupBy by_;
  const HeapModel& model_;
  Symbolizer* symbolizer_;
  std::vector<GroupInfo> groups_;
  std::unique_ptr<Caches> caches_;
};

}  // namespace leakdbg
