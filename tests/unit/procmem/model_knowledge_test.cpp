#include "procmem/model_knowledge.h"

#include <gtest/gtest.h>

#include "smaps_text.h"
#include "util/error.h"

namespace leakdbg::procmem {
namespace {

using procmem_test::smaps_entry;

const Piece& piece_at(const VmView& view, uint64_t address) {
  for (const auto& p : view.pieces)
    if (p.start <= address && address < p.end) return p;
  static Piece none;
  ADD_FAILURE() << "no piece at " << std::hex << address;
  return none;
}

// What a tracker snapshot of a two-thread program holds: one thread arena whose heap the
// layout alone would not reveal (it was merged with a neighbour below it), an mmapped
// chunk next to a direct mmap, a thread stack without a guard page below it, and a tracked
// mmap region.
HeapModel snapshot_model() {
  HeapModel m;
  m.source_path = "0003-interval.ldsnap";
  m.pid = 4321;
  m.smaps += smaps_entry(0x555501000000, 0x555501100000, "rw-p", "[heap]", 0, 1024, 1024);
  m.smaps += smaps_entry(0x7f0003f00000, 0x7f0004021000, "rw-p", "", 0, 1156, 1156);
  m.smaps += smaps_entry(0x7f0004021000, 0x7f0008000000, "---p", "");
  m.smaps += smaps_entry(0x7f0010000000, 0x7f0010600000, "rw-p", "", 0, 6144, 6144);
  m.smaps += smaps_entry(0x7f0011c01000, 0x7f0011d01000, "rw-p", "", 0, 16, 16);
  m.smaps += smaps_entry(0x7f0012000000, 0x7f0012400000, "rw-p", "", 0, 4096, 4096);
  m.proc_status = "VmRSS:\t20000 kB\nRssAnon:\t16000 kB\nVmSwap:\t0 kB\nVmPTE:\t64 kB\n";
  Arena main_arena;
  main_arena.index = 0;
  main_arena.is_main = true;
  Arena thread_arena;
  thread_arena.index = 1;
  thread_arena.address = 0x7f0004000030;
  m.arenas = {main_arena, thread_arena};
  Block in_brk;
  in_brk.address = 0x555501000100;
  in_brk.size = 64;
  in_brk.arena = 0;
  Block in_arena;
  in_arena.address = 0x7f0004000900;
  in_arena.size = 200;
  in_arena.arena = 1;
  Block chunk;
  chunk.address = 0x7f0010000010;
  chunk.size = 2 * 1024 * 1024;
  chunk.usable = 2 * 1024 * 1024 + 4096 - 16;
  chunk.flags = leakdbg::kBlockMmappedChunk;
  m.blocks = {in_brk, in_arena, chunk};
  ThreadInfo worker;
  worker.tid = 4322;
  worker.name = "worker";
  worker.stack_start = 0x7f0011c01000;
  worker.stack_end = 0x7f0011d01000;
  m.threads = {worker};
  Region region;
  region.address = 0x7f0012000000;
  region.length = 0x400000;
  region.stack_id = 9;
  region.flags = leakdbg::kRegionAnonymous;
  m.regions = {region};
  return m;
}

TEST(ModelKnowledge, UsesTheTrackersFacts) {
  VmView view = view_of_model(snapshot_model());
  EXPECT_EQ(piece_at(view, 0x555501000000).type, MemType::kHeap);
  // The merged mapping is split at the arena's 64 MiB boundary.
  EXPECT_EQ(piece_at(view, 0x7f0003f00000).type, MemType::kPrivateData);
  EXPECT_EQ(piece_at(view, 0x7f0004000000).type, MemType::kHeap);
  EXPECT_EQ(piece_at(view, 0x7f0004000000).label, "arena 1 heap");
  EXPECT_EQ(piece_at(view, 0x7f0004021000).type, MemType::kHeap);
  EXPECT_EQ(piece_at(view, 0x7f0010000000).type, MemType::kHeap);
  EXPECT_EQ(piece_at(view, 0x7f0010000000).end, 0x7f0010201000u);
  EXPECT_EQ(piece_at(view, 0x7f0010201000).type, MemType::kPrivateData);
  EXPECT_EQ(piece_at(view, 0x7f0011c01000).type, MemType::kStack);
  EXPECT_EQ(piece_at(view, 0x7f0011c01000).label, "thread 4322 (worker)");
  EXPECT_EQ(piece_at(view, 0x7f0012000000).type, MemType::kPrivateData);
  EXPECT_EQ(piece_at(view, 0x7f0012000000).label, "mmap region (tracked, stack 9)");
  EXPECT_EQ(view.summary.of(MemType::kPageTable).size, 64u * 1024);
  EXPECT_EQ(view_private_bytes(view), 16000u * 1024);
}

TEST(ModelKnowledge, BlocksOfAnotherAllocatorMarkTheirMapping) {
  HeapModel m = snapshot_model();
  m.arenas.clear();
  Block other;
  other.address = 0x7f0012000040;  // inside the tracked region's mapping: claimed first
  Block lone;
  lone.address = 0x7f0011c01100;
  m.blocks = {other, lone};
  m.threads.clear();
  VmView view = view_of_model(m);
  EXPECT_EQ(piece_at(view, 0x7f0011c01000).type, MemType::kHeap);
  EXPECT_EQ(piece_at(view, 0x7f0011c01000).label, "heap blocks outside [heap]");
}

TEST(ModelKnowledge, MissingOrDamagedSmapsIsOneClearLine) {
  HeapModel m = snapshot_model();
  m.smaps.clear();
  try {
    view_of_model(m);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("recorded no /proc/PID/smaps"), std::string::npos)
        << e.what();
  }
  m.smaps = "7f00-7f01 rw-p 0 00:00 0\nRss: lots\n";
  try {
    view_of_model(m);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "0003-interval.ldsnap: recorded smaps text is damaged: smaps line 2"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace leakdbg::procmem
