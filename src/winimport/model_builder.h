// Collects what the parsers of one text read (heaps, stacks, blocks and aggregate records)
// and turns it into one HeapModel.
//
// Aggregate records ("N allocations, B bytes" from UMDH, "N blocks of S bytes" from
// `!heap -stat`) become N blocks whose sizes sum exactly to B, so that every analysis reads
// them like a snapshot's blocks. Blocks listed one by one with their addresses (`-flt`,
// `-p -a`) stand in for the same number of blocks of their heap and size in a `-stat`
// group of the same text, so a session log that shows both is not counted twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "model/heap_model.h"
#include "winimport/text_lines.h"

namespace leakdbg::winimport {

// Imported blocks are kept one by one (a 64-byte Block each), so a short text that only
// counts blocks ("7f0000 blocks of 40 bytes") would cost what it claims. One text may make
// at most 1 Mi blocks (64 MiB), and all texts of one command together 4 Mi (256 MiB), so
// that `open` over many such files stays bounded too.
inline constexpr uint64_t kMaxImportedBlocks = uint64_t{1} << 20;
inline constexpr uint64_t kMaxImportedBlocksPerCommand = uint64_t{4} << 20;

// While one lives, every text imported draws on its budget (the command line holds one for a
// command's whole run); a text that fails gives its share back. Without one, only the
// per-text cap holds. One at a time.
class ImportBudget {
 public:
  explicit ImportBudget(uint64_t blocks = kMaxImportedBlocksPerCommand);
  ~ImportBudget();
  ImportBudget(const ImportBudget&) = delete;
  ImportBudget& operator=(const ImportBudget&) = delete;

  static ImportBudget* current();
  bool take(uint64_t blocks);  // false (and nothing taken) if over the budget
  void give_back(uint64_t blocks);
  uint64_t limit() const { return limit_; }

 private:
  uint64_t limit_;
  std::atomic<uint64_t> used_{0};
  ImportBudget* previous_;
};

// A heap handle as WinDbg prints it ("0a3c0000", "0000015d85bb0000").
std::string handle_name(uint64_t handle);

class ModelBuilder {
 public:
  explicit ModelBuilder(const TextSource& source)
      : source_(source), budget_(ImportBudget::current()) {}
  ~ModelBuilder();
  ModelBuilder(const ModelBuilder&) = delete;
  ModelBuilder& operator=(const ModelBuilder&) = delete;

  // Stack id (>= 1) for these frames, the same id for the same frames; 0 if none.
  uint32_t stack(const std::vector<SymbolicFrame>& frames);

  // Index of the heap with this handle, created on first use (with unknown figures).
  uint16_t heap(uint64_t handle, const Line& line);
  Arena& arena(uint16_t index) { return arenas_[index]; }
  void mark_heap_figures_known() { arenas_known_ = true; }

  // `count` blocks together holding `bytes` (bytes / count each, the remainder spread one
  // byte at a time), all with one stack and heap.
  void add_record(uint64_t count, uint64_t bytes, uint32_t stack_id, uint16_t heap_index,
                  const Line& line);
  // `count` blocks of `size` bytes of one heap, from a size histogram.
  void add_size_group(uint16_t heap_index, uint64_t size, uint64_t count, const Line& line);
  // One block with its address. A block listed again (by `-flt` and then `-p -a`) keeps
  // one entry and gains the stack if it had none.
  void add_block(const Block& block, const Line& line);

  bool empty() const;
  HeapModel finish(const std::string& kind);

 private:
  void charge(uint64_t count, const Line& line);

  struct Record {
    uint64_t count, bytes;
    uint32_t stack_id;
    uint16_t heap_index;
  };
  const TextSource& source_;
  std::vector<Stack> stacks_;
  std::map<std::string, uint32_t> stack_ids_;
  std::vector<Arena> arenas_;
  std::map<uint64_t, uint16_t> heap_index_;
  bool arenas_known_ = false;
  std::vector<Record> records_;
  std::map<std::pair<uint16_t, uint64_t>, uint64_t> size_groups_;  // (heap, size) -> count
  std::map<uint64_t, Block> exact_;                                // by address
  ImportBudget* budget_;
  uint64_t charged_ = 0;
  bool finished_ = false;
};

}  // namespace leakdbg::winimport
