#include "analysis/group_key.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>

#include "analysis/site_text.h"
#include "symbolize/frame_render.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg {

namespace {

constexpr uint32_t kNoGroup = UINT32_MAX;

// Stack ids are handed out densely from 1; a plain vector indexed by id is then the fastest
// map. A source with sparse ids (imports keep their BackTrace numbers) falls back to hashing.
constexpr size_t kMaxDenseStackIds = 1u << 24;

std::string label_for_missing(GroupBy by, bool has_frames) {
  if (!has_frames) return "(no stack)";
  return by == GroupBy::kModule ? "(unknown module)" : "(unknown)";
}

}  // namespace

// The content key types live inside Caches rather than in an anonymous namespace: a member
// of BlockGrouper must not depend on a type with internal linkage.
struct BlockGrouper::Caches {
  // What a type hint can depend on: the captured bytes, whether they are valid, and how many
  // of them belong to the block.
  struct ContentKey {
    std::array<uint8_t, 16> bytes{};
    uint8_t valid_length = 0;
    bool operator==(const ContentKey&) const = default;
  };

  struct ContentKeyHash {
    size_t operator()(const ContentKey& key) const {
      uint64_t a, b;
      std::memcpy(&a, key.bytes.data(), 8);
      std::memcpy(&b, key.bytes.data() + 8, 8);
      uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
      return static_cast<size_t>(h ^ (h >> 29) ^ key.valid_length);
    }
  };

  std::unordered_map<uint64_t, uint32_t> by_size;
  std::vector<uint32_t> by_dense_stack;
  std::unordered_map<uint32_t, uint32_t> by_sparse_stack;
  bool dense_stacks = false;
  std::unordered_map<GroupKey, uint32_t, GroupKeyHash> by_key;
  std::unordered_map<ContentKey, uint32_t, ContentKeyHash> by_content;
  // kSite / kFunction: every stack's frames and label, by stack id.
  std::unordered_map<uint32_t, std::pair<std::vector<SymbolicFrame>, analysis::SiteLabel>> labelled;
};

std::string_view group_by_name(GroupBy by) {
  switch (by) {
    case GroupBy::kSize:
      return "size";
    case GroupBy::kSite:
      return "site";
    case GroupBy::kFunction:
      return "function";
    case GroupBy::kModule:
      return "module";
    case GroupBy::kType:
      return "type";
  }
  return "size";
}

GroupBy parse_group_by(std::string_view name) {
  for (GroupBy by :
       {GroupBy::kSize, GroupBy::kSite, GroupBy::kFunction, GroupBy::kModule, GroupBy::kType})
    if (group_by_name(by) == name) return by;
  throw Error("unknown grouping '" + std::string(name) +
                  "' (expected size, site, function, module or type)",
              2);
}

size_t GroupKeyHash::operator()(const GroupKey& key) const {
  size_t h = std::hash<std::string>()(key.text);
  h ^= std::hash<uint64_t>()(key.size) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h ^ static_cast<size_t>(key.by);
}

std::string frame_identity(const SymbolicFrame& frame) {
  if (frame.module.empty() && frame.function.empty()) return format_hex(frame.address);
  std::string text = frame.module;
  if (frame.function.empty()) return text + "+" + format_hex(frame.offset);
  text += '!';
  text += frame.function;
  if (!frame.file.empty()) {
    text += ' ';
    text += frame.file;
    text += ':';
    text += std::to_string(frame.line);
  }
  return text;
}

BlockGrouper::BlockGrouper(GroupBy by, const HeapModel& model, Symbolizer* symbolizer,
                           const analysis::SiteLabelOptions& labels)
    : by_(by), model_(model), symbolizer_(symbolizer), caches_(std::make_unique<Caches>()) {
  if (by != GroupBy::kSize && symbolizer == nullptr)
    throw Error("grouping by " + std::string(group_by_name(by)) + " needs symbols");
  uint32_t max_id = model.stacks.empty() ? 0 : model.stacks.back().id;
  caches_->dense_stacks = max_id < kMaxDenseStackIds && max_id <= 4 * model.stacks.size() + 1024;
  if (caches_->dense_stacks) caches_->by_dense_stack.assign(size_t{max_id} + 1, kNoGroup);
  if (by == GroupBy::kSite || by == GroupBy::kFunction) label_all_stacks(labels);
}

void BlockGrouper::label_all_stacks(const analysis::SiteLabelOptions& labels) {
  std::vector<const std::vector<SymbolicFrame>*> stacks;
  std::vector<uint32_t> ids;
  for (const Stack& stack : model_.stacks) {
    auto& entry = caches_->labelled[stack.id];
    entry.first = symbolizer_->frames_of(stack);
  }
  for (auto& [id, entry] : caches_->labelled) {
    ids.push_back(id);
    stacks.push_back(&entry.first);
  }
  std::vector<analysis::SiteLabel> result = analysis::label_sites(stacks, labels);
  for (size_t i = 0; i < ids.size(); ++i) caches_->labelled[ids[i]].second = result[i];
}

BlockGrouper::~BlockGrouper() = default;

uint32_t BlockGrouper::intern(GroupKey key, std::string label,
                              const std::vector<SymbolicFrame>* frames) {
  auto [it, inserted] = caches_->by_key.try_emplace(std::move(key), 0);
  if (!inserted) return it->second;
  it->second = static_cast<uint32_t>(groups_.size());
  GroupInfo info;
  info.key = it->first;
  info.label = std::move(label);
  if (frames && by_ != GroupBy::kType) info.frames = *frames;
  groups_.push_back(std::move(info));
  return it->second;
}

uint32_t BlockGrouper::group_of_stack(uint32_t stack_id) {
  uint32_t* slot = nullptr;
  if (caches_->dense_stacks && stack_id < caches_->by_dense_stack.size())
    slot = &caches_->by_dense_stack[stack_id];
  else
    slot = &caches_->by_sparse_stack.try_emplace(stack_id, kNoGroup).first->second;
  if (*slot != kNoGroup) return *slot;

  std::vector<SymbolicFrame> frames;
  analysis::SiteLabel site;
  if (auto it = caches_->labelled.find(stack_id); it != caches_->labelled.end()) {
    frames = it->second.first;
    site = it->second.second;
  } else {
    frames = symbolizer_->frames_of(stack_id);
    if (by_ == GroupBy::kSite || by_ == GroupBy::kFunction)
      site = analysis::label_single_site(frames);
  }
  GroupKey key{by_, 0, {}};
  std::string label;
  if (frames.empty()) {
    label = label_for_missing(by_, false);
    key.text = label;
  } else if (by_ == GroupBy::kSite) {
    for (const auto& frame : frames) {
      if (!key.text.empty()) key.text += '\n';
      key.text += frame_identity(frame);
    }
    label = analysis::site_text(frames, site);
  } else if (by_ == GroupBy::kFunction) {
    const SymbolicFrame& frame = *analysis::site_frame_of(frames, site);
    key.text = frame.function.empty() ? frame_identity(frame) : frame.module + "!" + frame.function;
    label = key.text;
  } else {
    // By module: the module of the frame that names the site, so that allocator machinery
    // (the C++ runtime, and for imported stacks ntdll, kernelbase and the CRT) is passed
    // over as the site's name passes over it. A stack made only of runtime frames still has
    // a caller worth naming, its outermost.
    const SymbolicFrame* named =
        analysis::site_frame_of(frames, analysis::label_single_site(frames));
    const SymbolicFrame* user =
        named && !is_runtime_frame(*named) ? named : first_user_frame(frames);
    const SymbolicFrame& frame = user ? *user : frames.back();
    key.text = frame.module.empty() ? label_for_missing(by_, true) : frame.module;
    label = key.text;
  }
  // The slot pointer may dangle once the sparse map rehashes; look it up again.
  size_t known_groups = groups_.size();
  uint32_t group = intern(std::move(key), std::move(label), &frames);
  // A group keeps the first stack seen as its example, and that stack's label.
  if (groups_.size() > known_groups) groups_[group].site = site;
  if (caches_->dense_stacks && stack_id < caches_->by_dense_stack.size())
    caches_->by_dense_stack[stack_id] = group;
  else
    caches_->by_sparse_stack[stack_id] = group;
  return group;
}

uint32_t BlockGrouper::group_of(const Block& block) {
  switch (by_) {
    case GroupBy::kSize: {
      auto [it, inserted] = caches_->by_size.try_emplace(block.size, 0);
      if (inserted) it->second = intern(GroupKey{by_, block.size, {}}, {}, nullptr);
      return it->second;
    }
    case GroupBy::kType: {
      Caches::ContentKey content;
      if (block.content_valid()) {
        content.valid_length = static_cast<uint8_t>(std::min<uint64_t>(block.size, 16));
        std::memcpy(content.bytes.data(), block.content, content.valid_length);
      }
      auto [it, inserted] = caches_->by_content.try_emplace(content, 0);
      if (inserted) {
        std::string hint = block.content_valid() ? type_hint(block, *symbolizer_, model_) : "";
        std::string label = hint.empty() ? "(no type)" : hint;
        it->second = intern(GroupKey{by_, 0, hint}, std::move(label), nullptr);
      }
      return it->second;
    }
    default:
      return group_of_stack(block.stack_id);
  }
}

uint32_t BlockGrouper::group_of(const Region& region) {
  switch (by_) {
    case GroupBy::kSize:
      return intern(GroupKey{by_, region.length, {}}, {}, nullptr);
    case GroupBy::kType:
      return intern(GroupKey{by_, 0, "mmap region"}, "(mmap region)", nullptr);
    default:
      return group_of_stack(region.stack_id);
  }
}

}  // namespace leakdbg
