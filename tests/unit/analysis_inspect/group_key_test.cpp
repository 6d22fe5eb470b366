#include "analysis/group_key.h"

#include <gtest/gtest.h>

#include "inspect_models.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"

namespace {

using namespace inspect_test;
using leakdbg::BlockGrouper;
using leakdbg::GroupBy;

TEST(GroupBy, ParsesTheFiveWordsAndRejectsOthers) {
  for (GroupBy by :
       {GroupBy::kSize, GroupBy::kSite, GroupBy::kFunction, GroupBy::kModule, GroupBy::kType})
    EXPECT_EQ(leakdbg::parse_group_by(leakdbg::group_by_name(by)), by);
  try {
    leakdbg::parse_group_by("stack");
    FAIL() << "accepted an unknown grouping";
  } catch (const leakdbg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'stack'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("function"), std::string::npos) << e.what();
  }
}

TEST(FrameIdentity, NamesSymbolsNotAddresses) {
  auto f = frame("libplugin.so", "Config::parse()", "config.cpp", 42, 0x7f1234);
  EXPECT_EQ(leakdbg::frame_identity(f), "libplugin.so!Config::parse() config.cpp:42");
  auto no_file = frame("libplugin.so", "Config::parse()", "", 0, 0x7f1234);
  EXPECT_EQ(leakdbg::frame_identity(no_file), "libplugin.so!Config::parse()");
  auto no_function = frame("libplugin.so", "", "", 0, 0x7f1234);
  no_function.offset = 0x1a2b;
  EXPECT_EQ(leakdbg::frame_identity(no_function), "libplugin.so+0x1a2b");
  EXPECT_EQ(leakdbg::frame_identity(frame("", "", "", 0, 0xdead)), "0xdead");
}

TEST(BlockGrouper, BySizeNeedsNoSymbolsAndGroupsEqualSizes) {
  HeapModel model = glibc_model();
  add_block(model, {.address = 0x1000, .size = 48});
  add_block(model, {.address = 0x2000, .size = 64});
  add_block(model, {.address = 0x3000, .size = 48});
  finish(model);
  BlockGrouper grouper(GroupBy::kSize, model, nullptr);
  uint32_t a = grouper.group_of(model.blocks[0]);
  uint32_t b = grouper.group_of(model.blocks[1]);
  uint32_t c = grouper.group_of(model.blocks[2]);
  EXPECT_EQ(a, c);
  EXPECT_NE(a, b);
  EXPECT_EQ(grouper.groups().size(), 2u);
  EXPECT_EQ(grouper.group(a).key.size, 48u);
  EXPECT_EQ(grouper.group(b).key.size, 64u);
}

TEST(BlockGrouper, SymbolGroupingsNeedASymbolizer) {
  HeapModel model = glibc_model();
  EXPECT_THROW(BlockGrouper(GroupBy::kSite, model, nullptr), leakdbg::Error);
}

// Two runs of one build: the same site at other addresses (ASLR) is the same group; a
// different line is another site but the same function.
TEST(BlockGrouper, SiteKeysIgnoreAddressesAcrossModels) {
  HeapModel run1 = glibc_model();
  uint32_t s1 =
      add_stack(run1, {operator_new_frame(0x7f0000001000),
                       frame("libplugin.so", "Config::read_defaults()", "config.cpp", 42, 0x7f1000),
                       frame("app", "main", "main.cpp", 7, 0x55001000)});
  uint32_t s2 =
      add_stack(run1, {operator_new_frame(0x7f0000001000),
                       frame("libplugin.so", "Config::read_defaults()", "config.cpp", 43, 0x7f1010),
                       frame("app", "main", "main.cpp", 7, 0x55001000)});
  add_block(run1, {.address = 0x1000, .size = 48, .stack = s1});
  add_block(run1, {.address = 0x2000, .size = 48, .stack = s2});
  finish(run1);
  HeapModel run2 = glibc_model();
  uint32_t t1 = add_stack(
      run2, {operator_new_frame(0x7fee00001000),
             frame("libplugin.so", "Config::read_defaults()", "config.cpp", 42, 0x7fee1000),
             frame("app", "main", "main.cpp", 7, 0x56001000)});
  add_block(run2, {.address = 0x9000, .size = 48, .stack = t1});
  finish(run2);

  leakdbg::Symbolizer sym1(run1), sym2(run2);
  BlockGrouper sites1(GroupBy::kSite, run1, &sym1), sites2(GroupBy::kSite, run2, &sym2);
  // Indexes first: group_of may add groups, which moves the earlier GroupInfos.
  uint32_t i1 = sites1.group_of(run1.blocks[0]), i2 = sites1.group_of(run1.blocks[1]);
  uint32_t i3 = sites2.group_of(run2.blocks[0]);
  const auto& g1 = sites1.group(i1);
  const auto& g2 = sites1.group(i2);
  const auto& other = sites2.group(i3);
  EXPECT_EQ(g1.key, other.key);
  EXPECT_NE(g1.key, g2.key);
  EXPECT_EQ(g1.frames.size(), 3u);
  // The label names the first frame outside the runtime, not operator new.
  EXPECT_NE(g1.label.find("read_defaults"), std::string::npos) << g1.label;

  BlockGrouper functions(GroupBy::kFunction, run1, &sym1);
  uint32_t f1 = functions.group_of(run1.blocks[0]);
  EXPECT_EQ(functions.group_of(run1.blocks[1]), f1);
  EXPECT_EQ(functions.group(f1).label, "libplugin.so!Config::read_defaults()");

  BlockGrouper modules(GroupBy::kModule, run1, &sym1);
  EXPECT_EQ(modules.group(modules.group_of(run1.blocks[0])).key.text, "libplugin.so");
}

TEST(BlockGrouper, BlocksWithoutStacksOrRuntimeOnlyStacksStillGroup) {
  HeapModel model = glibc_model();
  uint32_t runtime_only = add_stack(model, {operator_new_frame(), frame("libc.so.6", "malloc")});
  add_block(model, {.address = 0x1000, .size = 8, .stack = 0});
  add_block(model, {.address = 0x2000, .size = 8, .stack = runtime_only});
  add_block(model, {.address = 0x3000, .size = 8, .stack = 77});  // id the model lacks
  finish(model);
  leakdbg::Symbolizer symbolizer(model);
  BlockGrouper functions(GroupBy::kFunction, model, &symbolizer);
  uint32_t none = functions.group_of(model.blocks[0]);
  EXPECT_EQ(functions.group(none).label, "(no stack)");
  EXPECT_EQ(functions.group_of(model.blocks[2]), none);
  // Only runtime frames: the outermost of them names the caller.
  EXPECT_EQ(functions.group(functions.group_of(model.blocks[1])).label, "libc.so.6!malloc");
}

TEST(BlockGrouper, SparseStackIdsUseTheHashedPath) {
  HeapModel model = glibc_model();
  leakdbg::Stack far;
  far.id = 400000000;
  far.symbols = {frame("app", "far_away", "far.cpp", 1)};
  model.stacks.push_back(far);
  add_block(model, {.address = 0x1000, .size = 8, .stack = far.id});
  finish(model);
  leakdbg::Symbolizer symbolizer(model);
  BlockGrouper functions(GroupBy::kFunction, model, &symbolizer);
  EXPECT_EQ(functions.group(functions.group_of(model.blocks[0])).label, "app!far_away");
}

TEST(BlockGrouper, ByTypeUsesTheContentHint) {
  HeapModel model = glibc_model();
  add_block(model, {.address = 0x1000, .size = 48, .content = "server.base_url="});
  add_block(model, {.address = 0x2000, .size = 48, .content = "server.base_url="});
  add_block(model, {.address = 0x3000, .size = 48, .content = std::string("\x01\x02\x03\x04", 4)});
  add_block(model, {.address = 0x4000, .size = 48});
  finish(model);
  leakdbg::Symbolizer symbolizer(model);
  BlockGrouper types(GroupBy::kType, model, &symbolizer);
  uint32_t text = types.group_of(model.blocks[0]);
  EXPECT_EQ(types.group_of(model.blocks[1]), text);
  EXPECT_EQ(types.group(text).key.text, "printable \"server.base_url=\"");
  uint32_t binary = types.group_of(model.blocks[2]);
  EXPECT_EQ(types.group_of(model.blocks[3]), binary);  // no hint either way
  EXPECT_EQ(types.group(binary).label, "(no type)");
  EXPECT_TRUE(types.group(binary).key.text.empty());
}

TEST(BlockGrouper, RegionsGroupByLengthStackOrKind) {
  HeapModel model = glibc_model();
  uint32_t s = add_stack(model, {frame("app", "map_buffers", "buffers.cpp", 9)});
  leakdbg::Region region;
  region.address = 0x7f5500000000;
  region.length = 1 << 20;
  region.stack_id = s;
  model.regions.push_back(region);
  leakdbg::Symbolizer symbolizer(model);
  BlockGrouper sizes(GroupBy::kSize, model, nullptr);
  EXPECT_EQ(sizes.group(sizes.group_of(region)).key.size, 1u << 20);
  BlockGrouper functions(GroupBy::kFunction, model, &symbolizer);
  EXPECT_EQ(functions.group(functions.group_of(region)).label, "app!map_buffers");
  BlockGrouper types(GroupBy::kType, model, &symbolizer);
  EXPECT_EQ(types.group(types.group_of(region)).label, "(mmap region)");
}

}  // namespace
