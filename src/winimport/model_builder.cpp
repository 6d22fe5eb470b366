#include "winimport/model_builder.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace leakdbg::winimport {

// As WinDbg prints handles: 8 hex digits on 32-bit targets, 16 on 64-bit ones.
std::string handle_name(uint64_t handle) {
  char text[20];
  std::snprintf(text, sizeof text, handle > 0xffffffffu ? "%016llx" : "%08llx",
                static_cast<unsigned long long>(handle));
  return text;
}

static std::string frame_key(const SymbolicFrame& f) {
  return f.module + '!' + f.function + '+' + std::to_string(f.offset) + '@' +
         std::to_string(f.address) + '|' + f.file + ':' + std::to_string(f.line);
}

uint32_t ModelBuilder::stack(const std::vector<SymbolicFrame>& frames) {
  if (frames.empty()) return 0;
  std::string key;
  for (const auto& frame : frames) key += frame_key(frame) + '\n';
  auto [it, inserted] = stack_ids_.emplace(key, static_cast<uint32_t>(stacks_.size() + 1));
  if (inserted) {
    Stack stack;
    stack.id = it->second;
    stack.symbols = frames;
    for (const auto& frame : frames) stack.frames.push_back(frame.address);
    stacks_.push_back(std::move(stack));
  }
  return it->second;
}

uint16_t ModelBuilder::heap(uint64_t handle, const Line& line) {
  auto it = heap_index_.find(handle);
  if (it != heap_index_.end()) return it->second;
  if (arenas_.size() >= kArenaUnknown) source_.fail(line, "too many heaps");
  Arena arena;
  arena.index = static_cast<uint32_t>(arenas_.size());
  arena.address = handle;
  arena.is_main = arenas_.empty();  // WinDbg lists the process heap first
  arena.name = handle_name(handle);
  arena.figures_known = false;  // until a `!heap -s` row gives them
  arenas_.push_back(arena);
  heap_index_.emplace(handle, static_cast<uint16_t>(arena.index));
  return static_cast<uint16_t>(arena.index);
}

namespace {
std::atomic<ImportBudget*> g_budget{nullptr};
}

ImportBudget::ImportBudget(uint64_t blocks) : limit_(blocks), previous_(g_budget.exchange(this)) {}
ImportBudget::~ImportBudget() { g_budget.store(previous_); }
ImportBudget* ImportBudget::current() { return g_budget.load(); }

bool ImportBudget::take(uint64_t blocks) {
  if (used_.fetch_add(blocks) + blocks <= limit_) return true;
  used_.fetch_sub(blocks);
  return false;
}

void ImportBudget::give_back(uint64_t blocks) { used_.fetch_sub(blocks); }

ModelBuilder::~ModelBuilder() {
  if (!finished_ && budget_) budget_->give_back(charged_);
}

void ModelBuilder::charge(uint64_t count, const Line& line) {
  if (count > kMaxImportedBlocks || charged_ + count > kMaxImportedBlocks)
    source_.fail(line, "more than " + std::to_string(kMaxImportedBlocks) +
                           " blocks in one text; split the log");
  if (budget_ && !budget_->take(count))
    source_.fail(line, "more than " + std::to_string(budget_->limit()) +
                           " blocks in all texts given together; give fewer at a time");
  charged_ += count;
}

void ModelBuilder::add_record(uint64_t count, uint64_t bytes, uint32_t stack_id,
                              uint16_t heap_index, const Line& line) {
  if (count == 0 && bytes == 0) return;
  if (count == 0) source_.fail(line, std::to_string(bytes) + " bytes in 0 allocations");
  charge(count, line);
  records_.push_back({count, bytes, stack_id, heap_index});
}

void ModelBuilder::add_size_group(uint16_t heap_index, uint64_t size, uint64_t count,
                                  const Line& line) {
  if (count == 0) return;
  if (size != 0 && count > std::numeric_limits<uint64_t>::max() / size)
    source_.fail(line, "size times count overflows");
  charge(count, line);
  size_groups_[{heap_index, size}] += count;
}

void ModelBuilder::add_block(const Block& block, const Line& line) {
  auto [it, inserted] = exact_.emplace(block.address, block);
  if (inserted) {
    charge(1, line);
    return;
  }
  if (it->second.size != block.size)
    source_.fail(line,
                 "block at " + std::to_string(block.address) + " listed again with another size");
  if (it->second.stack_id == 0) it->second.stack_id = block.stack_id;
}

bool ModelBuilder::empty() const {
  return records_.empty() && size_groups_.empty() && exact_.empty() && arenas_.empty();
}

HeapModel ModelBuilder::finish(const std::string& kind) {
  finished_ = true;
  HeapModel model;
  model.source_path = source_.name();
  model.source_kind = kind;
  model.caps.arenas = arenas_known_;
  model.caps.sizes_in_hex = true;
  model.caps.no_block_origin = true;
  model.stacks = std::move(stacks_);
  model.arenas = std::move(arenas_);

  // Listed blocks replace histogram blocks of the same heap and size.
  auto groups = size_groups_;
  for (const auto& [address, block] : exact_) {
    auto it = groups.find({block.arena, block.size});
    if (it != groups.end() && it->second > 0) --it->second;
  }
  uint64_t total = 0;
  for (const auto& r : records_) total += r.count;
  for (const auto& [key, count] : groups) total += count;
  model.blocks.reserve(total + exact_.size());
  for (const auto& r : records_) {
    uint64_t each = r.bytes / r.count, larger = r.bytes % r.count;
    for (uint64_t i = 0; i < r.count; ++i) {
      Block b;
      b.size = each + (i < larger ? 1 : 0);
      b.stack_id = r.stack_id;
      b.arena = r.heap_index;
      model.blocks.push_back(b);
    }
  }
  for (const auto& [key, count] : groups) {
    for (uint64_t i = 0; i < count; ++i) {
      Block b;
      b.arena = key.first;
      b.size = key.second;
      model.blocks.push_back(b);
    }
  }
  model.caps.block_addresses = model.blocks.empty() && !exact_.empty();
  for (const auto& [address, block] : exact_) model.blocks.push_back(block);
  std::stable_sort(model.blocks.begin(), model.blocks.end(),
                   [](const Block& a, const Block& b) { return a.address < b.address; });
  return model;
}

}  // namespace leakdbg::winimport
