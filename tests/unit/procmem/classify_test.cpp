#include "procmem/classify.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "procmem/vm_summary.h"
#include "smaps_text.h"

namespace leakdbg::procmem {
namespace {

using procmem_test::smaps_entry;

constexpr uint64_t kMiB = 1 << 20;

// A typical glibc process: executable, brk heap, one thread arena, files, shared and
// private anonymous memory, a PROT_NONE reservation, a thread stack, libc, vdso, [stack].
std::string typical_process() {
  std::string t;
  t += smaps_entry(0x555500000000, 0x555500001000, "r--p", "/usr/bin/prog", 0, 4);
  t += smaps_entry(0x555500001000, 0x555500002000, "r-xp", "/usr/bin/prog", 0, 4);
  t += smaps_entry(0x555500002000, 0x555500003000, "rw-p", "/usr/bin/prog", 0, 4, 4);
  t += smaps_entry(0x555500003000, 0x555500005000, "rw-p", "", 0, 8, 8);  // .bss
  t += smaps_entry(0x555501000000, 0x555501100000, "rw-p", "[heap]", 0, 1024, 1024);
  t += smaps_entry(0x7f0004000000, 0x7f0004021000, "rw-p", "", 0, 132, 132);
  t += smaps_entry(0x7f0004021000, 0x7f0008000000, "---p", "");
  t += smaps_entry(0x7f0010000000, 0x7f0010200000, "r--p", "/tmp/data.bin", 0, 2048, 0, 2048);
  t +=
      smaps_entry(0x7f0010200000, 0x7f0010600000, "rw-s", "/dev/zero (deleted)", 77, 4096, 0, 4096);
  t += smaps_entry(0x7f0010600000, 0x7f0010c00000, "rw-p", "", 0, 6144, 6144, 0, 0, 16);
  t += smaps_entry(0x7f0010c00000, 0x7f0011c00000, "---p", "");
  t += smaps_entry(0x7f0011c00000, 0x7f0011c01000, "---p", "");
  t += smaps_entry(0x7f0011c01000, 0x7f0011d01000, "rw-p", "", 0, 16, 16);
  t += smaps_entry(0x7f0012000000, 0x7f0012026000, "r--p", "/usr/lib/libc.so.6", 0, 152);
  t += smaps_entry(0x7f0012026000, 0x7f001217c000, "r-xp", "/usr/lib/libc.so.6", 0, 1000);
  t += smaps_entry(0x7f001217c000, 0x7f001217e000, "rw-p", "/usr/lib/libc.so.6", 0, 8, 8);
  t += smaps_entry(0x7f001217e000, 0x7f001218b000, "rw-p", "", 0, 20, 20);  // libc .bss
  t += smaps_entry(0x7f0012200000, 0x7f0012300000, "rw-s", "/memfd:ring (deleted)", 99, 64, 0, 64);
  t += smaps_entry(0x7f0013000000, 0x7f0013002000, "r-xp", "[vdso]", 0, 8);
  t += smaps_entry(0x7ffd00000000, 0x7ffd00021000, "rw-p", "[stack]", 0, 20, 20);
  t += smaps_entry(0xffffffffff600000, 0xffffffffff601000, "--xp", "[vsyscall]");
  return t;
}

const Piece& piece_at(const std::vector<Piece>& pieces, uint64_t address) {
  for (const auto& p : pieces)
    if (p.start <= address && address < p.end) return p;
  static Piece none;
  ADD_FAILURE() << "no piece at " << std::hex << address;
  return none;
}

MemType type_at(const std::vector<Piece>& pieces, uint64_t address) {
  return piece_at(pieces, address).type;
}

// Fake target memory: 8-byte words at given addresses, zero elsewhere in readable ranges.
struct FakeMemory {
  std::map<uint64_t, uint64_t> words;
  Knowledge knowledge() const {
    Knowledge k;
    k.read_memory = [this](uint64_t address, void* out, size_t size) {
      auto* bytes = static_cast<unsigned char*>(out);
      for (size_t i = 0; i < size; i += 8) {
        auto it = words.find(address + i);
        uint64_t w = it == words.end() ? 0 : it->second;
        std::memcpy(bytes + i, &w, std::min<size_t>(8, size - i));
      }
      return true;
    };
    return k;
  }
};

TEST(Classify, TypicalProcessByLayout) {
  auto maps = parse_smaps(typical_process());
  auto pieces = classify(maps, {});
  EXPECT_EQ(type_at(pieces, 0x555500000000), MemType::kImage);
  EXPECT_EQ(type_at(pieces, 0x555500001000), MemType::kImage);
  EXPECT_EQ(type_at(pieces, 0x555500003000), MemType::kImage) << "bss after the executable's data";
  EXPECT_EQ(type_at(pieces, 0x555501000000), MemType::kHeap);
  EXPECT_EQ(type_at(pieces, 0x7f0004000000), MemType::kHeap) << "64 MiB-aligned arena heap";
  EXPECT_EQ(type_at(pieces, 0x7f0004021000), MemType::kHeap) << "the arena's reserve";
  EXPECT_EQ(type_at(pieces, 0x7f0010000000), MemType::kMappedFile);
  EXPECT_EQ(type_at(pieces, 0x7f0010200000), MemType::kShareable);
  EXPECT_EQ(type_at(pieces, 0x7f0010600000), MemType::kPrivateData);
  EXPECT_EQ(type_at(pieces, 0x7f0010c00000), MemType::kReserved)
      << "16 MiB PROT_NONE is no guard page";
  EXPECT_EQ(type_at(pieces, 0x7f0011c00000), MemType::kStack) << "guard page";
  EXPECT_EQ(type_at(pieces, 0x7f0011c01000), MemType::kStack);
  EXPECT_EQ(type_at(pieces, 0x7f0012026000), MemType::kImage);
  EXPECT_EQ(type_at(pieces, 0x7f001217e000), MemType::kImage) << "libc .bss";
  EXPECT_EQ(type_at(pieces, 0x7f0012200000), MemType::kShareable) << "memfd";
  EXPECT_EQ(type_at(pieces, 0x7f0013000000), MemType::kImage);
  EXPECT_EQ(type_at(pieces, 0x7ffd00000000), MemType::kStack);
  EXPECT_EQ(type_at(pieces, 0xffffffffff600000), MemType::kImage);
  EXPECT_EQ(pieces.size(), maps.size()) << "nothing split without knowledge";
  EXPECT_NE(piece_at(pieces, 0x7f0011c00000).label.find("guard"), std::string::npos);
}

TEST(Classify, SummaryTotalsPerType) {
  auto maps = parse_smaps(typical_process());
  auto pieces = classify(maps, {});
  ProcStatus status;
  status.valid = true;
  status.vm_pte = 96 * 1024;
  VmSummary s = summarize(maps, pieces, status);
  const TypeTotals& heap = s.of(MemType::kHeap);
  EXPECT_EQ(heap.size, 0x100000u + 64 * kMiB);
  EXPECT_EQ(heap.committed, 0x100000u + 0x21000u) << "the reserve is not committed";
  EXPECT_EQ(heap.private_bytes, (1024u + 132u) * 1024);
  EXPECT_EQ(heap.blocks, 3u);
  EXPECT_EQ(heap.largest, 64 * kMiB - 0x21000);
  const TypeTotals& data = s.of(MemType::kPrivateData);
  EXPECT_EQ(data.size, 6 * kMiB);
  EXPECT_EQ(data.rss, 6 * kMiB);
  EXPECT_EQ(data.locked, 16u * 1024);
  EXPECT_EQ(s.of(MemType::kShareable).size, 4 * kMiB + 1 * kMiB);
  EXPECT_EQ(s.of(MemType::kShareable).private_bytes, 0u);
  EXPECT_EQ(s.of(MemType::kReserved).committed, 0u);
  EXPECT_EQ(s.of(MemType::kReserved).size, 16 * kMiB);
  EXPECT_EQ(s.of(MemType::kPageTable).size, 96u * 1024);
  uint64_t all = 0;
  for (const auto& m : maps) all += m.size();
  EXPECT_EQ(s.total.size, all + 96 * 1024);
}

TEST(Classify, ArenaHeaderOverrulesLayout) {
  auto maps = parse_smaps(typical_process());
  FakeMemory memory;  // all zero: no heap_info at the aligned mapping
  auto pieces = classify(maps, memory.knowledge());
  EXPECT_EQ(type_at(pieces, 0x7f0004000000), MemType::kPrivateData);
  EXPECT_EQ(type_at(pieces, 0x7f0004021000), MemType::kReserved);

  memory.words[0x7f0004000000] = 0x7f0004000030;  // ar_ptr: malloc_state right after it
  memory.words[0x7f0004000010] = 0x21000;         // size
  memory.words[0x7f0004000018] = 0x21000;         // mprotect_size
  pieces = classify(maps, memory.knowledge());
  EXPECT_EQ(type_at(pieces, 0x7f0004000000), MemType::kHeap);
  EXPECT_NE(piece_at(pieces, 0x7f0004000000).label.find("heap_info"), std::string::npos);
  EXPECT_EQ(type_at(pieces, 0x7f0004021000), MemType::kHeap);
}

TEST(Classify, MmappedChunksFoundByTheirHeaders) {
  auto maps = parse_smaps(typical_process());
  FakeMemory memory;
  // Two adjacent chunks merged by the kernel with a direct mmap of the program above them.
  memory.words[0x7f0010600008] = 0x201000 | 2;
  memory.words[0x7f0010801008] = 0x101000 | 2;
  auto pieces = classify(maps, memory.knowledge());
  EXPECT_EQ(type_at(pieces, 0x7f0010600000), MemType::kHeap);
  EXPECT_EQ(piece_at(pieces, 0x7f0010600000).end, 0x7f0010801000u);
  EXPECT_EQ(type_at(pieces, 0x7f0010801000), MemType::kHeap);
  EXPECT_EQ(type_at(pieces, 0x7f0010902000), MemType::kPrivateData);
  // Resident bytes are shared out by size: the mapping is fully resident.
  const Piece& rest = piece_at(pieces, 0x7f0010902000);
  Figures f = piece_figures(rest, maps[rest.mapping]);
  EXPECT_EQ(f.size, 0x7f0010c00000u - 0x7f0010902000u);
  EXPECT_EQ(f.rss, f.size);
  EXPECT_EQ(f.locked, 16u * 1024 * f.size / (6 << 20));
}

TEST(Classify, WrongChunkFlagsAreNotChunks) {
  auto maps = parse_smaps(typical_process());
  FakeMemory memory;
  memory.words[0x7f0010600008] = 0x201000 | 3;  // PREV_INUSE too: an arena chunk, not mmapped
  auto pieces = classify(maps, memory.knowledge());
  EXPECT_EQ(type_at(pieces, 0x7f0010600000), MemType::kPrivateData);
  memory.words[0x7f0010600008] = 0x20000000 | 2;  // larger than the mapping
  pieces = classify(maps, memory.knowledge());
  EXPECT_EQ(type_at(pieces, 0x7f0010600000), MemType::kPrivateData);
}

TEST(Classify, ClaimsSplitMappingsAndFirstClaimWins) {
  auto maps = parse_smaps(typical_process());
  Knowledge k;
  k.claims.push_back({0x7f0010700000, 0x7f0010800000, MemType::kHeap, "mmapped chunk"});
  k.claims.push_back({0x7f0010780000, 0x7f0010900000, MemType::kStack, "thread 7"});
  auto pieces = classify(maps, k);
  EXPECT_EQ(type_at(pieces, 0x7f0010600000), MemType::kPrivateData);
  EXPECT_EQ(type_at(pieces, 0x7f0010700000), MemType::kHeap);
  EXPECT_EQ(type_at(pieces, 0x7f00107f0000), MemType::kHeap);
  EXPECT_EQ(type_at(pieces, 0x7f0010800000), MemType::kStack);
  EXPECT_EQ(piece_at(pieces, 0x7f0010800000).label, "thread 7");
  EXPECT_EQ(type_at(pieces, 0x7f0010900000), MemType::kPrivateData);
  // Pieces tile every mapping exactly.
  uint64_t covered = 0, all = 0;
  for (const auto& p : pieces) covered += p.size();
  for (const auto& m : maps) all += m.size();
  EXPECT_EQ(covered, all);
  for (size_t i = 1; i < pieces.size(); ++i) EXPECT_LE(pieces[i - 1].end, pieces[i].start);
}

TEST(Classify, ArenaReserveEndsAtAlignedBoundarySoNextMappingIsNoStack) {
  std::string t;
  t += smaps_entry(0x7f0004000000, 0x7f0004021000, "rw-p", "");
  t += smaps_entry(0x7f0004021000, 0x7f0008000000, "---p", "");
  t += smaps_entry(0x7f0008000000, 0x7f0008100000, "rw-p", "");  // next region, aligned
  t += smaps_entry(0x7f0009000000, 0x7f0009001000, "---p", "");
  t += smaps_entry(0x7f0009001000, 0x7f0009100000, "rw-p", "");
  auto pieces = classify(parse_smaps(t), {});
  EXPECT_EQ(type_at(pieces, 0x7f0008000000), MemType::kPrivateData)
      << "above a PROT_NONE reserve but 64 MiB-aligned: no stack, and no arena reserve follows it";
  EXPECT_EQ(type_at(pieces, 0x7f0009001000), MemType::kStack);
  EXPECT_EQ(type_at(pieces, 0x7f0009000000), MemType::kStack);
}

TEST(Classify, PrivateMappingOfDevZeroIsPrivateData) {
  auto pieces =
      classify(parse_smaps(smaps_entry(0x1000000, 0x2000000, "rw-p", "/dev/zero", 5)), {});
  EXPECT_EQ(type_at(pieces, 0x1000000), MemType::kPrivateData);
}

TEST(Classify, DataFileNextToNothingIsMappedFileAndSharedFileToo) {
  std::string t = smaps_entry(0x1000000, 0x2000000, "rw-s", "/var/db/store.db", 9);
  auto pieces = classify(parse_smaps(t), {});
  EXPECT_EQ(type_at(pieces, 0x1000000), MemType::kMappedFile);
}

}  // namespace
}  // namespace leakdbg::procmem
