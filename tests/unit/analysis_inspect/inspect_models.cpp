#include "inspect_models.h"

#include <algorithm>
#include <cstring>

namespace inspect_test {

SymbolicFrame frame(const std::string& module, const std::string& function, const std::string& file,
                    uint32_t line, uint64_t address) {
  SymbolicFrame f;
  f.module = module;
  f.function = function;
  f.file = file;
  f.line = line;
  f.address = address;
  return f;
}

SymbolicFrame operator_new_frame(uint64_t address) {
  return frame("libstdc++.so.6", "operator new(unsigned long)", "", 0, address);
}

uint32_t add_stack(HeapModel& model, std::vector<SymbolicFrame> frames) {
  leakdbg::Stack stack;
  stack.id = model.stacks.empty() ? 1 : model.stacks.back().id + 1;
  for (const auto& f : frames) stack.frames.push_back(f.address);
  stack.symbols = std::move(frames);
  model.stacks.push_back(std::move(stack));
  return model.stacks.back().id;
}

void add_block(HeapModel& model, const BlockSpec& spec) {
  Block b;
  b.address = spec.address;
  b.size = spec.size;
  b.usable = spec.usable;
  b.stack_id = spec.stack;
  b.arena = spec.arena;
  b.thread_id = spec.thread;
  b.alloc_tick = spec.tick;
  b.api = leakdbg::ApiKind::kMalloc;
  if (spec.mmapped) b.flags |= leakdbg::kBlockMmappedChunk;
  if (!spec.content.empty()) {
    b.flags |= leakdbg::kBlockContentValid;
    std::memcpy(b.content, spec.content.data(), std::min<size_t>(16, spec.content.size()));
  }
  model.blocks.push_back(b);
}

void finish(HeapModel& model) {
  std::sort(model.blocks.begin(), model.blocks.end(),
            [](const Block& a, const Block& b) { return a.address < b.address; });
  std::sort(
      model.regions.begin(), model.regions.end(),
      [](const leakdbg::Region& a, const leakdbg::Region& b) { return a.address < b.address; });
}

HeapModel glibc_model() {
  HeapModel model;
  model.source_kind = "ldsnap";
  model.allocator = 1;
  model.tick_ns = 1000000;  // 1 ms ticks
  model.current_tick = 10000;
  leakdbg::Arena main_arena;
  main_arena.index = 0;
  main_arena.is_main = true;
  main_arena.address = 0x7f00aa000000;
  main_arena.system_current = 1 << 20;
  main_arena.system_max = 1 << 20;
  main_arena.aspace_total = 1 << 20;
  main_arena.free_fast_count = 3;
  main_arena.free_fast_bytes = 96;
  main_arena.free_rest_count = 2;
  main_arena.free_rest_bytes = 4000;
  leakdbg::Arena thread_arena;
  thread_arena.index = 1;
  thread_arena.address = 0x7f00bb000020;
  thread_arena.system_current = 132 << 10;
  thread_arena.aspace_total = 132 << 10;
  thread_arena.aspace_mprotect = 132 << 10;
  model.arenas = {main_arena, thread_arena};
  return model;
}

}  // namespace inspect_test
