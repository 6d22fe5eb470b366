#include "export/collapsed.h"

#include <gtest/gtest.h>

#include "synthetic_models.h"

namespace leakdbg::exporter {
namespace {

TEST(Collapsed, RootFirstOneLinePerStack) {
  synth::SnapshotBuilder b(3, 1, 1.0);
  uint32_t leak = b.site("Parser::keep;copy", "parser.cpp", 42);  // ';' must not split it
  b.blocks(leak, 3, 100, 0.5);
  HeapModel model = b.build();
  std::string text = collapsed_stacks(profile_of(model, nullptr, {}));
  EXPECT_EQ(text, "[heap];main;Parser::keep:copy;malloc 300\n");
}

TEST(Collapsed, GrowthKeepsWhatGrew) {
  auto make = [](uint64_t leaked, uint64_t cached) {
    synth::SnapshotBuilder b(3, leaked, static_cast<double>(leaked));
    uint32_t leak = b.site("leak", "a.cpp", 1);
    uint32_t cache = b.site("cache", "b.cpp", 2);
    b.blocks(leak, leaked, 10, 0.5);
    b.blocks(cache, cached, 10, 0.5);
    return b.build();
  };
  HeapModel base = make(1, 5), now = make(4, 2);
  std::string text = collapsed_stacks(profile_of(now, &base, {}));
  EXPECT_EQ(text, "[heap];main;leak;malloc 30\n");
}

}  // namespace
}  // namespace leakdbg::exporter
