#include "synthetic_models.h"

#include <algorithm>
#include <cmath>
#include <mutex>

namespace synth {

namespace {

// Functions named by sites get stable indexes, so that an address stack is
// (index * 0x100 + 0x1000 + bias) whatever process made it.
struct FunctionTable {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::pair<std::string, uint32_t>>> entries;
  uint64_t index_of(const std::string& function, const std::string& file, uint32_t line) {
    std::lock_guard lock(mutex);
    for (size_t i = 0; i < entries.size(); ++i)
      if (entries[i].first == function && entries[i].second.first == file &&
          entries[i].second.second == line)
        return i;
    entries.push_back({function, {file, line}});
    return entries.size() - 1;
  }
};

FunctionTable& functions() {
  static FunctionTable table;
  return table;
}

constexpr uint64_t kModuleBase = 0x1000;
constexpr uint64_t kMallocIndexAddress = 0x10;  // below every function
constexpr uint64_t kMainIndexAddress = 0x20;

leakdbg::SymbolicFrame frame(const std::string& module, const std::string& function,
                             const std::string& file, uint32_t line) {
  leakdbg::SymbolicFrame f;
  f.module = module;
  f.function = function;
  f.file = file;
  f.line = line;
  return f;
}

class FakeFrames : public leakdbg::analysis::FrameSource {
 public:
  explicit FakeFrames(uint64_t bias) : bias_(bias) {}
  std::vector<leakdbg::SymbolicFrame> frames_of(const leakdbg::Stack& stack) override {
    if (!stack.symbols.empty()) return stack.symbols;
    std::vector<leakdbg::SymbolicFrame> out;
    for (uint64_t address : stack.frames) {
      uint64_t offset = address - bias_;
      if (offset == kMallocIndexAddress) {
        out.push_back(frame("libc.so.6", "malloc", "", 0));
      } else if (offset == kMainIndexAddress) {
        out.push_back(frame("app", "main", "main.cpp", 5));
      } else {
        std::lock_guard lock(functions().mutex);
        size_t index = (offset - kModuleBase) / 0x100;
        const auto& entry = functions().entries.at(index);
        out.push_back(frame("app", entry.first, entry.second.first, entry.second.second));
      }
      out.back().address = address;
    }
    return out;
  }

 private:
  uint64_t bias_;
};

}  // namespace

SnapshotBuilder::SnapshotBuilder(uint32_t pid, uint64_t sequence, double time_s,
                                 leakdbg::Trigger trigger) {
  auto ns = static_cast<uint64_t>(std::llround(time_s * 1e9));
  model_.source_kind = "ldsnap";
  model_.source_path = "synthetic-" + std::to_string(pid) + "-" + std::to_string(sequence);
  model_.pid = pid;
  model_.sequence = sequence;
  model_.trigger = trigger;
  model_.executable = "/usr/bin/app";
  model_.start_realtime_ns = kStartRealtimeNs + pid;
  model_.snap_realtime_ns = model_.start_realtime_ns + ns;
  model_.snap_monotonic_ns = ns;
  model_.tick_ns = kTickNs;
  model_.current_tick = ns / kTickNs + 1;
  model_.caps.block_addresses = true;
  model_.caps.regions = true;
  leakdbg::Arena main_arena;
  main_arena.is_main = true;
  model_.arenas.push_back(main_arena);
  leakdbg::Arena thread_arena;
  thread_arena.index = 1;
  model_.arenas.push_back(thread_arena);
}

uint32_t SnapshotBuilder::site(const std::string& function, const std::string& file,
                               uint32_t line) {
  leakdbg::Stack stack;
  stack.id = static_cast<uint32_t>(model_.stacks.size() + 1);
  if (address_bias_) {
    uint64_t index = functions().index_of(function, file, line);
    stack.frames = {address_bias_ + kMallocIndexAddress,
                    address_bias_ + kModuleBase + index * 0x100, address_bias_ + kMainIndexAddress};
  } else {
    stack.symbols = {frame("libc.so.6", "malloc", "", 0), frame("app", function, file, line),
                     frame("app", "main", "main.cpp", 5)};
    stack.frames = {0, 0, 0};
  }
  model_.stacks.push_back(std::move(stack));
  return model_.stacks.back().id;
}

uint32_t SnapshotBuilder::stack(std::vector<leakdbg::SymbolicFrame> frames) {
  leakdbg::Stack stack;
  stack.id = static_cast<uint32_t>(model_.stacks.size() + 1);
  stack.frames.assign(frames.size(), 0);
  stack.symbols = std::move(frames);
  model_.stacks.push_back(std::move(stack));
  return model_.stacks.back().id;
}

void SnapshotBuilder::blocks(uint32_t stack, uint64_t count, uint64_t size, double alloc_time_s,
                             uint16_t arena) {
  uint64_t tick = static_cast<uint64_t>(std::llround(alloc_time_s * 1e9)) / kTickNs;
  for (uint64_t i = 0; i < count; ++i) {
    leakdbg::Block block;
    block.address = next_address_;
    next_address_ += (size + 31) & ~uint64_t{15};
    block.size = size;
    block.usable = size;
    block.alloc_tick = tick;
    block.stack_id = stack;
    block.arena = arena;
    block.api = leakdbg::ApiKind::kMalloc;
    model_.blocks.push_back(block);
  }
}

void SnapshotBuilder::region(uint32_t stack, uint64_t length, double alloc_time_s) {
  leakdbg::Region region;
  region.address = 0x7f0000000000 + model_.regions.size() * 0x1000000;
  region.length = length;
  region.alloc_tick = static_cast<uint64_t>(std::llround(alloc_time_s * 1e9)) / kTickNs;
  region.stack_id = stack;
  region.flags = leakdbg::fmt::kRegionAnonymous;
  model_.regions.push_back(region);
}

void SnapshotBuilder::process(uint64_t private_bytes, uint64_t rss_bytes) {
  model_.caps.process_memory = true;
  model_.proc_status = "Name:\tapp\nVmRSS:\t" + std::to_string(rss_bytes / 1024) +
                       " kB\nRssAnon:\t" + std::to_string(private_bytes / 1024) +
                       " kB\nRssFile:\t0 kB\nVmSwap:\t0 kB\n";
}

leakdbg::HeapModel SnapshotBuilder::build() {
  std::sort(model_.blocks.begin(), model_.blocks.end(),
            [](const auto& a, const auto& b) { return a.address < b.address; });
  // Filled in place: GCC 12 at -O3 warns (falsely) about moving a short string built here.
  model_.modules.assign(1, leakdbg::Module{});
  leakdbg::Module& module = model_.modules.front();
  module.path = "/usr/bin/app";
  module.is_executable = true;
  module.build_id = "\x12\x34";
  return std::move(model_);
}

leakdbg::analysis::FrameSourceFactory fake_symbols() {
  return [](const leakdbg::HeapModel& modules) -> std::unique_ptr<leakdbg::analysis::FrameSource> {
    // The bias is recovered from the run: SnapshotBuilder derives it from the pid.
    return std::make_unique<FakeFrames>(uint64_t{modules.pid} << 32);
  };
}

}  // namespace synth
