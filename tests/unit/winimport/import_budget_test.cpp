// A short text that only counts blocks must not cost what it claims: a 269-byte `!heap -stat`
// text claiming 7f0000 blocks was once 790 MB of memory.
#include <gtest/gtest.h>

#include <vector>

#include "util/error.h"
#include "winimport/import.h"
#include "winimport/model_builder.h"

using leakdbg::winimport::import_text;

namespace {

std::string heap_stat_claiming(const char* count_hex, const char* total_hex) {
  return std::string(
             " heap @ 0a3c0000\n"
             "group-by: TOTSIZE max-display: 20\n"
             "    size     #blocks     total     ( %) (percent of total busy bytes)\n"
             "    28 ") +
         count_hex + " - " + total_hex + "  (100.00)\n";
}

TEST(ImportBudget, ATextClaimingMillionsOfBlocksIsRefusedWithOneLine) {
  try {
    import_text(heap_stat_claiming("7f0000", "13d80000"), "huge.txt");
    FAIL() << "8 M claimed blocks were imported";
  } catch (const leakdbg::Error& e) {
    std::string message = e.what();
    EXPECT_EQ(message.rfind("huge.txt: ", 0), 0u) << message;
    EXPECT_NE(message.find("blocks in one text"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
}

TEST(ImportBudget, AllTextsOfACommandShareOneBudget) {
  leakdbg::winimport::ImportBudget budget(100);
  std::string text = heap_stat_claiming("28", "640");  // 40 blocks each
  std::vector<std::vector<leakdbg::HeapModel>> kept;
  for (int i = 0; i < 2; ++i) EXPECT_NO_THROW(kept.push_back(import_text(text, "big.txt"))) << i;
  try {
    import_text(text, "one-too-many.txt");
    FAIL() << "the budget of all texts was exceeded";
  } catch (const leakdbg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("blocks in all texts given together"), std::string::npos)
        << e.what();
  }
}

TEST(ImportBudget, ARefusedTextGivesItsShareBack) {
  // A text refused for going over the budget must not keep what it had claimed before it
  // was refused: a smaller text still fits in what is left.
  leakdbg::winimport::ImportBudget budget(100);
  std::string forty = heap_stat_claiming("28", "640");  // 40 blocks of 0x28
  std::vector<std::vector<leakdbg::HeapModel>> kept;
  for (int i = 0; i < 2; ++i) kept.push_back(import_text(forty, "forty.txt"));
  EXPECT_THROW(import_text(forty, "refused.txt"), leakdbg::Error);
  EXPECT_NO_THROW(kept.push_back(import_text(heap_stat_claiming("14", "320"), "twenty.txt")));
}

TEST(ImportBudget, ALineNotUnderstoodIsSkippedNotRefused) {
  // Inside a recognized output a malformed row is skipped and counted, never fatal; the
  // blocks the text does give still count against the budget.
  leakdbg::winimport::ImportBudget budget;
  std::string text = heap_stat_claiming("f0000", "2580000") + "    30 10 - 999  (1.00)\n";
  std::vector<leakdbg::HeapModel> models = import_text(text, "skipped.txt");
  ASSERT_FALSE(models.empty());
  EXPECT_EQ(models.front().notes.skipped_lines, 1u);
}

TEST(ImportBudget, CapsAreSmallEnoughToBoundMemory) {
  using namespace leakdbg::winimport;
  // 64-byte blocks: one text under 100 MB, all texts of a command under 300 MB.
  EXPECT_LE(kMaxImportedBlocks * 64, uint64_t{100} << 20);
  EXPECT_LE(kMaxImportedBlocksPerCommand * 64, uint64_t{300} << 20);
  EXPECT_GE(kMaxImportedBlocksPerCommand, kMaxImportedBlocks);
}

}  // namespace
