#include "export/stack_profile.h"

#include <algorithm>
#include <unordered_map>

#include "analysis/group_key.h"
#include "symbolize/frame_render.h"
#include "symbolize/short_name.h"

namespace leakdbg::exporter {

namespace {

std::string hex_of(const std::string& raw) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

struct Totals {
  int64_t objects = 0, bytes = 0;
};

// Adds one model's memory to the profile, stack by stack.
class ModelAdder {
 public:
  ModelAdder(StackProfile& profile, std::unordered_map<std::string, size_t>& sample_of_key,
             const HeapModel& model, const SymbolizerOptions& symbols)
      : profile_(profile),
        sample_of_key_(sample_of_key),
        model_(model),
        symbolizer_(model, symbols) {
    // pprof takes the first mapping for the main binary ("File:" in its reports).
    for (const Module& module : model.modules)
      if (module.is_executable && !module.segments.empty()) mapping_of(&module);
  }

  void add(int sign) {
    std::unordered_map<uint32_t, Totals> heap, mmap;
    for (const Block& block : model_.blocks) {
      Totals& t = heap[block.stack_id];
      t.objects += 1;
      t.bytes += static_cast<int64_t>(block.size);
    }
    for (const Region& region : model_.regions) {
      if (region.file_backed()) continue;
      Totals& t = mmap[region.stack_id];
      t.objects += 1;
      t.bytes += static_cast<int64_t>(region.length);
    }
    // Stack ids in a fixed order, so that the same input gives the same file.
    for (auto* totals : {&heap, &mmap}) {
      MemoryKind kind = totals == &heap ? MemoryKind::kHeap : MemoryKind::kMmap;
      std::vector<uint32_t> ids;
      for (const auto& [id, t] : *totals) ids.push_back(id);
      std::sort(ids.begin(), ids.end());
      for (uint32_t id : ids) {
        const Totals& t = totals->at(id);
        ProfileSample& sample = sample_for(kind, id);
        sample.objects += sign * t.objects;
        sample.bytes += sign * t.bytes;
      }
    }
  }

 private:
  ProfileSample& sample_for(MemoryKind kind, uint32_t stack_id) {
    const Stack* stack = stack_id ? model_.find_stack(stack_id) : nullptr;
    std::vector<std::vector<SymbolicFrame>> per_address;
    std::vector<uint64_t> addresses;
    if (stack && !stack->symbols.empty()) {
      for (const SymbolicFrame& frame : stack->symbols) {
        per_address.push_back({frame});
        addresses.push_back(frame.address);
      }
    } else if (stack) {
      for (size_t i = 0; i < stack->frames.size(); ++i) {
        // The first frame is where the allocator was called from as well (a return address).
        per_address.push_back(symbolizer_.frames_at(stack->frames[i], true));
        addresses.push_back(stack->frames[i]);
      }
    }
    std::string key = kind == MemoryKind::kHeap ? "heap" : "mmap";
    for (const auto& lines : per_address)
      for (const SymbolicFrame& frame : lines) key += "\n" + frame_identity(frame);
    auto [it, inserted] = sample_of_key_.try_emplace(key, profile_.samples.size());
    if (!inserted) return profile_.samples[it->second];
    ProfileSample sample;
    sample.kind = kind;
    for (size_t i = 0; i < per_address.size(); ++i)
      sample.locations.push_back(location_for(addresses[i], per_address[i]));
    if (sample.locations.empty()) {
      SymbolicFrame unknown;
      unknown.function = "[no stack]";
      sample.locations.push_back(location_for(0, {unknown}));
    }
    profile_.samples.push_back(std::move(sample));
    return profile_.samples.back();
  }

  uint32_t location_for(uint64_t address, const std::vector<SymbolicFrame>& lines) {
    std::string key = std::to_string(address);
    if (address == 0)
      for (const SymbolicFrame& frame : lines) key += "\n" + frame_identity(frame);
    auto [it, inserted] =
        location_of_key_.try_emplace(key, static_cast<uint32_t>(profile_.locations.size()));
    if (!inserted) return it->second;
    ProfileLocation location;
    location.address = address;
    location.lines = lines;
    if (address != 0) location.mapping = mapping_for(address);
    profile_.locations.push_back(std::move(location));
    return it->second;
  }

  int mapping_for(uint64_t address) { return mapping_of(model_.find_module(address)); }

  int mapping_of(const Module* module) {
    if (!module || module->segments.empty()) return -1;
    auto [it, inserted] =
        mapping_of_module_.try_emplace(module, static_cast<int>(profile_.mappings.size()));
    if (!inserted) return it->second;
    ProfileMapping mapping;
    mapping.start = module->segments.front().start;
    mapping.file_offset = module->segments.front().file_offset;
    for (const Segment& segment : module->segments) {
      if (segment.start < mapping.start) {
        mapping.start = segment.start;
        mapping.file_offset = segment.file_offset;
      }
      mapping.limit = std::max(mapping.limit, segment.end);
    }
    mapping.file = module->path;
    mapping.build_id_hex = hex_of(module->build_id);
    profile_.mappings.push_back(std::move(mapping));
    return it->second;
  }

  StackProfile& profile_;
  std::unordered_map<std::string, size_t>& sample_of_key_;
  const HeapModel& model_;
  Symbolizer symbolizer_;
  std::unordered_map<std::string, uint32_t> location_of_key_;
  std::unordered_map<const Module*, int> mapping_of_module_;
};

}  // namespace

std::string frame_name(const SymbolicFrame& frame) {
  if (!frame.function.empty()) return frame.function;
  return frame_to_text(frame);
}

std::string short_frame_name(const SymbolicFrame& frame) {
  if (frame.function.empty()) return frame_to_text(frame);
  return short_function_name(frame.function, frame.overloaded);
}

StackProfile profile_of(const HeapModel& snapshot, const HeapModel* base,
                        const SymbolizerOptions& symbols) {
  StackProfile profile;
  profile.growth = base != nullptr;
  profile.time_ns = snapshot.snap_realtime_ns;
  uint64_t since = base ? base->snap_realtime_ns : snapshot.start_realtime_ns;
  if (snapshot.snap_realtime_ns > since && since > 0)
    profile.duration_ns = snapshot.snap_realtime_ns - since;
  std::unordered_map<std::string, size_t> sample_of_key;
  ModelAdder(profile, sample_of_key, snapshot, symbols).add(+1);
  if (base) ModelAdder(profile, sample_of_key, *base, symbols).add(-1);
  std::erase_if(profile.samples,
                [](const ProfileSample& s) { return s.objects == 0 && s.bytes == 0; });
  std::stable_sort(
      profile.samples.begin(), profile.samples.end(),
      [](const ProfileSample& a, const ProfileSample& b) { return a.bytes > b.bytes; });
  return profile;
}

}  // namespace leakdbg::exporter
