// The .eh_frame reader on real tables (this executable's), on copies of them moved to other
// addresses, and on truncated and corrupted copies placed right before an unmapped page, so
// that any read past the given bounds crashes the test.
#include "unwind/eh_frame.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <random>

#include "shapes.h"
#include "unwind/code_lookup.h"

namespace leakdbg::unwind {
namespace {

// Bytes copied to the end of a mapping whose next page is PROT_NONE.
class GuardedCopy {
 public:
  GuardedCopy(const void* bytes, size_t size) : page_(static_cast<size_t>(sysconf(_SC_PAGESIZE))) {
    mapped_ = (size + page_ - 1) / page_ * page_ + page_;
    void* mem = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) std::abort();
    base_ = static_cast<uint8_t*>(mem);
    mprotect(base_ + mapped_ - page_, page_, PROT_NONE);
    data_ = base_ + mapped_ - page_ - size;
    std::memcpy(data_, bytes, size);
  }
  ~GuardedCopy() { munmap(base_, mapped_); }
  GuardedCopy(const GuardedCopy&) = delete;
  GuardedCopy& operator=(const GuardedCopy&) = delete;
  uint8_t* data() const { return data_; }

 private:
  size_t page_, mapped_;
  uint8_t* base_;
  uint8_t* data_;
};

const uintptr_t kRecursion = reinterpret_cast<uintptr_t>(&unwind_test::nofp_recursion);
const uintptr_t kAlloca = reinterpret_cast<uintptr_t>(&unwind_test::nofp_alloca);

struct RealTables {
  EhFrameSource source;
  uintptr_t size() const { return source.hi - source.lo; }
};

RealTables tables_of(uintptr_t code) {
  const CodeLocation where = locate_code(code);
  EXPECT_TRUE(where.in_executable_segment);
  EXPECT_TRUE(where.has_eh_frame_hdr);
  return {where.eh_frame};
}

EhFrameSource moved(const EhFrameSource& source, const uint8_t* copy, size_t size) {
  const auto base = reinterpret_cast<uintptr_t>(copy);
  return {base + (source.hdr - source.lo), base, base + size};
}

TEST(EhFrame, FunctionEntryHasCfaAtRspPlus8) {
  const RealTables tables = tables_of(kRecursion);
  const FrameRule rule = find_frame_rule(tables.source, kRecursion);
  EXPECT_EQ(rule.kind, FrameRule::Kind::kCfaRsp);
  EXPECT_EQ(rule.cfa_offset, 8u);
  EXPECT_FALSE(rule.rbp_saved);
}

TEST(EhFrame, AllocaFunctionSwitchesToRbpAndSavesIt) {
  const RealTables tables = tables_of(kAlloca);
  bool saw_rbp_cfa = false;
  for (uintptr_t pc = kAlloca; pc < kAlloca + 256; ++pc) {
    const FrameRule rule = find_frame_rule(tables.source, pc);
    if (rule.kind == FrameRule::Kind::kCfaRbp) {
      saw_rbp_cfa = true;
      EXPECT_TRUE(rule.rbp_saved);
      EXPECT_EQ(rule.cfa_offset, 16u);
      EXPECT_EQ(rule.rbp_offset, -16);
      break;
    }
  }
  EXPECT_TRUE(saw_rbp_cfa);
}

TEST(EhFrame, AddressOutsideEveryFdeFallsBack) {
  const RealTables tables = tables_of(kRecursion);
  EXPECT_EQ(find_frame_rule(tables.source, 16).kind, FrameRule::Kind::kFallback);
  EXPECT_EQ(find_frame_rule(tables.source, UINTPTR_MAX - 16).kind, FrameRule::Kind::kFallback);
}

TEST(EhFrame, CopyAtAnotherAddressGivesTheSameRules) {
  const RealTables tables = tables_of(kAlloca);
  GuardedCopy copy(reinterpret_cast<const void*>(tables.source.lo), tables.size());
  const EhFrameSource source = moved(tables.source, copy.data(), tables.size());
  const intptr_t shift = static_cast<intptr_t>(source.lo - tables.source.lo);
  for (uintptr_t pc = kAlloca; pc < kAlloca + 128; ++pc) {
    EXPECT_EQ(find_frame_rule(source, pc + shift), find_frame_rule(tables.source, pc)) << pc;
  }
}

TEST(EhFrame, TruncatedTablesNeverReadPastTheEnd) {
  const RealTables tables = tables_of(kRecursion);
  const auto* bytes = reinterpret_cast<const uint8_t*>(tables.source.lo);
  const size_t hdr_offset = tables.source.hdr - tables.source.lo;
  std::mt19937_64 random(7);
  for (int round = 0; round < 200; ++round) {
    const size_t size = hdr_offset + 1 + random() % (tables.size() - hdr_offset - 1);
    GuardedCopy copy(bytes, size);
    const EhFrameSource source = moved(tables.source, copy.data(), size);
    const intptr_t shift = static_cast<intptr_t>(source.lo - tables.source.lo);
    const FrameRule rule = find_frame_rule(source, kRecursion + shift);
    EXPECT_TRUE(rule.kind == FrameRule::Kind::kFallback ||
                rule == find_frame_rule(tables.source, kRecursion));
  }
}

TEST(EhFrame, CorruptedTablesGiveSomeRuleAndNoCrash) {
  const RealTables tables = tables_of(kAlloca);
  const auto* bytes = reinterpret_cast<const uint8_t*>(tables.source.lo);
  const size_t hdr_offset = tables.source.hdr - tables.source.lo;
  std::vector<uint8_t> pristine(bytes, bytes + tables.size());
  GuardedCopy copy(pristine.data(), pristine.size());
  const EhFrameSource source = moved(tables.source, copy.data(), pristine.size());
  const intptr_t shift = static_cast<intptr_t>(source.lo - tables.source.lo);
  // Where the records of the function under test start: corrupt around them and the header.
  const size_t fde_area = hdr_offset;
  std::mt19937_64 random(11);
  int fallbacks = 0;
  for (int round = 0; round < 3000; ++round) {
    std::memcpy(copy.data(), pristine.data(), pristine.size());
    for (int flips = 1 + static_cast<int>(random() % 8); flips > 0; --flips) {
      const size_t at =
          random() % 2 ? hdr_offset + random() % std::min<size_t>(64, pristine.size() - hdr_offset)
                       : fde_area + random() % (pristine.size() - fde_area);
      copy.data()[at] = static_cast<uint8_t>(random());
    }
    const FrameRule rule = find_frame_rule(source, kAlloca + shift + random() % 96);
    if (rule.kind == FrameRule::Kind::kFallback) ++fallbacks;
  }
  EXPECT_GT(fallbacks, 0);
}

TEST(EhFrame, EmptyOrInvertedBoundsFallBack) {
  uint8_t byte = 1;
  const auto at = reinterpret_cast<uintptr_t>(&byte);
  EXPECT_EQ(find_frame_rule({at, at, at}, at).kind, FrameRule::Kind::kFallback);
  EXPECT_EQ(find_frame_rule({at, at + 1, at}, at).kind, FrameRule::Kind::kFallback);
  EXPECT_EQ(find_frame_rule({at, at, at + 1}, at).kind, FrameRule::Kind::kFallback);
}

TEST(CodeLookup, AddressesOutsideLoadedCode) {
  EXPECT_FALSE(locate_code(16).in_executable_segment);
  int on_stack = 0;
  EXPECT_FALSE(locate_code(reinterpret_cast<uintptr_t>(&on_stack)).in_executable_segment);
}

}  // namespace
}  // namespace leakdbg::unwind
