#include "analysis/block_filter.h"

#include <gtest/gtest.h>

#include "inspect_models.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"

namespace {

using namespace inspect_test;
using leakdbg::BlockListing;
using leakdbg::BlockQuery;

HeapModel sized_model() {
  HeapModel model = glibc_model();
  model.threads = {{1000, "main", 0, 0}, {1001, "worker", 0, 0}};
  uint32_t parse =
      add_stack(model, {operator_new_frame(), frame("libstdc++.so.6", "std::string::_M_create"),
                        frame("libplugin.so", "read_defaults", "config.cpp", 42),
                        frame("app", "main", "main.cpp", 3)});
  for (uint64_t i = 0; i < 120; ++i)
    add_block(model, {.address = 0x100000 + i * 0x40,
                      .size = 48,
                      .usable = 56,
                      .stack = parse,
                      .content = i % 2 ? "server.base_url=" : "",
                      .tick = 9000});
  add_block(model, {.address = 0x10, .size = 47, .stack = parse});
  add_block(model, {.address = 0x20, .size = 64, .stack = parse, .arena = 1, .thread = 1001});
  add_block(model, {.address = 0x30, .size = 32});
  finish(model);
  return model;
}

TEST(BlockQuery, RangeMustNotBeEmpty) {
  EXPECT_THROW(BlockQuery::size_range(64, 64), leakdbg::Error);
  EXPECT_THROW(BlockQuery::size_range(65, 64), leakdbg::Error);
  BlockQuery q = BlockQuery::exact_size(48);
  EXPECT_EQ(q.min_size, 48u);
  EXPECT_EQ(q.max_size, 49u);
}

TEST(BlockListing, ExactSizeListsByAddressUpToTheLimitAndCountsTheRest) {
  HeapModel model = sized_model();
  leakdbg::Symbolizer symbolizer(model);
  BlockListing listing = leakdbg::list_blocks(model, &symbolizer, BlockQuery::exact_size(48));
  EXPECT_EQ(listing.total, 120u);
  EXPECT_EQ(listing.total_bytes, 120u * 48);
  ASSERT_EQ(listing.rows.size(), 50u);  // the default limit
  EXPECT_EQ(listing.rows[0].block->address, 0x100000u);
  EXPECT_EQ(listing.rows[49].block->address, 0x100000u + 49 * 0x40);
  const auto& row = listing.rows[1];
  EXPECT_EQ(row.type, "printable \"server.base_url=\"");
  EXPECT_EQ(listing.rows[0].type, "");
  EXPECT_EQ(row.heap, "main");
  EXPECT_EQ(row.thread, "1000 (main)");
  EXPECT_DOUBLE_EQ(row.age_seconds, 1.0);  // 1000 ticks of 1 ms
  ASSERT_TRUE(row.top_frame);
  EXPECT_EQ(row.top_frame->function, "read_defaults");  // runtime frames skipped
}

TEST(BlockListing, RangeExcludesItsUpperBoundAndLimitZeroListsAll) {
  HeapModel model = sized_model();
  BlockQuery query = BlockQuery::size_range(47, 64);
  query.limit = 0;
  BlockListing listing = leakdbg::list_blocks(model, nullptr, query);
  EXPECT_EQ(listing.total, 121u);
  EXPECT_EQ(listing.rows.size(), 121u);
  EXPECT_EQ(listing.rows[0].block->size, 47u);
  EXPECT_TRUE(listing.rows[0].type.empty());  // no symbolizer, no hints
  EXPECT_FALSE(listing.rows[0].top_frame);
}

TEST(BlockListing, HeapAndTypeFilters) {
  HeapModel model = sized_model();
  leakdbg::Symbolizer symbolizer(model);
  BlockQuery query = BlockQuery::size_range(0, 1000);
  query.heap = "arena1";
  BlockListing listing = leakdbg::list_blocks(model, &symbolizer, query);
  ASSERT_EQ(listing.total, 1u);
  EXPECT_EQ(listing.rows[0].thread, "1001 (worker)");
  EXPECT_EQ(listing.rows[0].heap, "arena1");

  query.heap.clear();
  query.type = "base_url";
  listing = leakdbg::list_blocks(model, &symbolizer, query);
  EXPECT_EQ(listing.total, 60u);
  for (const auto& row : listing.rows) EXPECT_NE(row.type.find("base_url"), std::string::npos);

  EXPECT_THROW(leakdbg::list_blocks(model, nullptr, query), leakdbg::Error);
  query.type.reset();
  query.heap = "nosuch";
  EXPECT_THROW(leakdbg::list_blocks(model, &symbolizer, query), leakdbg::Error);
}

TEST(BlockListing, NoMatchIsAnEmptyAnswer) {
  HeapModel model = sized_model();
  BlockListing listing = leakdbg::list_blocks(model, nullptr, BlockQuery::exact_size(4096));
  EXPECT_EQ(listing.total, 0u);
  EXPECT_TRUE(listing.rows.empty());
}

}  // namespace
