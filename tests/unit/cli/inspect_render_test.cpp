// The renderers of summary, stat, vmmap and block, fed small hand-made results: the text
// (decimal with units, or WinDbg hex with --hex) and the JSON fields the README names.
#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

#include "cli/block_render.h"
#include "cli/stat_render.h"
#include "cli/summary_render.h"
#include "cli/vmmap_render.h"
#include "procmem/classify.h"

namespace leakdbg::cli {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

HeapFigures figures(uint64_t committed, uint64_t busy_bytes, uint64_t busy_blocks) {
  HeapFigures f;
  f.reserved = 0x100000;
  f.committed = committed;
  f.busy_bytes = busy_bytes;
  f.busy_blocks = busy_blocks;
  f.free_bytes = committed - busy_bytes;
  f.free_blocks = 3;
  f.fragmentation = 0.25;
  return f;
}

HeapSummary two_snapshot_summary() {
  HeapSummary s;
  s.allocator_figures = true;
  HeapRow main_heap;
  main_heap.id = "main";
  main_heap.alias = "0x7f0000001000";
  main_heap.now = figures(0x21000, 0x3000, 0x30);
  main_heap.base = figures(0x21000, 0x1000, 0x10);
  HeapRow windows_heap;  // named by `!heap -stat` text, which gives no reserved/committed
  windows_heap.id = "0a5f0000";
  windows_heap.now.figures_known = false;
  windows_heap.now.busy_bytes = 0x500;
  windows_heap.now.busy_blocks = 5;
  windows_heap.base = HeapFigures{};
  s.rows = {main_heap, windows_heap};
  s.total = figures(0x21000, 0x3500, 0x35);
  s.base_total = figures(0x21000, 0x1000, 0x10);
  return s;
}

TEST(SummaryRender, TextInUnitsOrHexWithChangeColumns) {
  HeapSummary s = two_snapshot_summary();
  std::ostringstream text, hex;
  print_summary(s, NumberStyle{false}, text);
  print_summary(s, NumberStyle{true}, hex);
  EXPECT_TRUE(has(text.str(), "busy +/-")) << text.str();
  EXPECT_TRUE(has(text.str(), "132 KiB")) << text.str();   // committed 0x21000
  EXPECT_TRUE(has(text.str(), "+8.0 KiB")) << text.str();  // busy grew by 0x2000
  EXPECT_TRUE(has(hex.str(), "21000")) << hex.str();
  EXPECT_TRUE(has(hex.str(), "+2000")) << hex.str();
  EXPECT_FALSE(has(hex.str(), "KiB")) << hex.str();
  // The Windows heap's unknown figures are "-", never 0.
  std::istringstream lines(text.str());
  std::string line, windows_line;
  while (std::getline(lines, line))
    if (line.rfind("0a5f0000", 0) == 0) windows_line = line;
  EXPECT_TRUE(has(windows_line, " - ")) << text.str();
}

TEST(SummaryRender, JsonKeepsUnknownFiguresNullAndNamesTheBase) {
  nlohmann::json j = summary_json(two_snapshot_summary(), "now.ldsnap", "base.ldsnap");
  EXPECT_EQ(j["snapshot"], "now.ldsnap");
  EXPECT_EQ(j["base"], "base.ldsnap");
  ASSERT_EQ(j["heaps"].size(), 2u);
  EXPECT_EQ(j["heaps"][0]["id"], "main");
  EXPECT_EQ(j["heaps"][0]["committed"], 0x21000);
  EXPECT_EQ(j["heaps"][0]["change"]["busy_bytes"], 0x2000);
  EXPECT_TRUE(j["heaps"][1]["reserved"].is_null());
  EXPECT_EQ(j["heaps"][1]["busy_blocks"], 5);
  EXPECT_EQ(j["change"]["busy_blocks"], 0x25);
}

TEST(SummaryRender, NoAllocatorFiguresIsSaid) {
  HeapSummary s = two_snapshot_summary();
  s.allocator_figures = false;
  std::ostringstream out;
  print_summary(s, NumberStyle{}, out);
  EXPECT_TRUE(has(out.str(), "no allocator figures recorded")) << out.str();
}

StatResult size_stat(bool with_base) {
  StatResult r;
  r.by = GroupBy::kSize;
  r.busy_bytes = 48 * 10 + 64 * 2;
  r.busy_blocks = 12;
  r.group_count = 3;  // one more than listed
  StatGroup g48;
  g48.size = 48;
  g48.blocks = 10;
  g48.total = 480;
  g48.percent = 78.95;
  StatGroup g64;
  g64.size = 64;
  g64.blocks = 2;
  g64.total = 128;
  g64.percent = 21.05;
  if (with_base) {
    r.has_base = true;
    r.base_busy_bytes = 48 * 4;
    r.base_busy_blocks = 4;
    g48.base_blocks = 4;
    g48.base_total = 192;
  }
  r.groups = {g48, g64};
  return r;
}

TEST(StatRender, TextListsGroupsAndSaysWhatWasLeftOut) {
  std::ostringstream out;
  print_stat(size_stat(false), NumberStyle{}, out);
  EXPECT_TRUE(has(out.str(), "heap all: 608 B busy in 12 blocks; grouped by size")) << out.str();
  EXPECT_TRUE(has(out.str(), "78.95")) << out.str();
  EXPECT_TRUE(has(out.str(), "(1 more groups; --top 0 lists all)")) << out.str();
}

TEST(StatRender, HexSizesAndGrowthWithABase) {
  std::ostringstream out;
  print_stat(size_stat(true), NumberStyle{true}, out);
  EXPECT_TRUE(has(out.str(), "sorted by growth")) << out.str();
  EXPECT_TRUE(has(out.str(), " 30 ")) << out.str();  // size 48
  EXPECT_TRUE(has(out.str(), "+120")) << out.str();  // 480 - 192 bytes
  EXPECT_TRUE(has(out.str(), "1e0")) << out.str();   // total 480
  EXPECT_FALSE(has(out.str(), " B ")) << out.str();
}

TEST(StatRender, JsonGroupsWithBaseFields) {
  nlohmann::json j = stat_json(size_stat(true), "s.ldsnap", "b.ldsnap");
  EXPECT_EQ(j["by"], "size");
  EXPECT_EQ(j["heap"], "all");
  EXPECT_EQ(j["groups_total"], 3);
  ASSERT_EQ(j["groups"].size(), 2u);
  EXPECT_EQ(j["groups"][0]["size"], 48);
  EXPECT_EQ(j["groups"][0]["growth_bytes"], 288);
  EXPECT_EQ(j["groups"][0]["growth_blocks"], 6);
  EXPECT_EQ(j["base"], "b.ldsnap");
  EXPECT_FALSE(j["groups"][0].contains("frames"));  // sizes have no stack
}

// One [heap] mapping of 0x21000 bytes, 0x20000 of them private and resident.
VmTarget heap_target(const std::string& argument, uint64_t private_bytes) {
  procmem::Mapping m;
  m.start = 0x555555559000;
  m.end = m.start + 0x21000;
  m.read = m.write = true;
  m.path = "[heap]";
  m.rss = private_bytes;
  m.private_dirty = private_bytes;
  m.anonymous = private_bytes;
  procmem::Piece p;
  p.mapping = 0;
  p.start = m.start;
  p.end = m.end;
  p.type = procmem::MemType::kHeap;
  p.label = "main arena";
  VmTarget t;
  t.argument = argument;
  t.description = argument + " (pid 4242, snapshot 1)";
  t.kind = "snapshot";
  t.pid = 4242;
  t.view.mappings = {m};
  t.view.pieces = {p};
  t.view.summary = procmem::summarize(t.view.mappings, t.view.pieces, std::nullopt);
  return t;
}

TEST(VmmapRender, TextTableWithChangeAndDetail) {
  VmTarget now = heap_target("now.ldsnap", 0x20000), base = heap_target("base.ldsnap", 0x8000);
  std::ostringstream out;
  print_vmmap(now, &base, procmem::MemType::kHeap, NumberStyle{}, out);
  EXPECT_TRUE(has(out.str(), "now.ldsnap (pid 4242, snapshot 1), compared with base.ldsnap"))
      << out.str();
  EXPECT_TRUE(has(out.str(), "Change")) << out.str();
  EXPECT_TRUE(has(out.str(), "+96.0 KiB")) << out.str();  // private 0x8000 -> 0x20000
  EXPECT_TRUE(has(out.str(), "Heap: 1 mapping(s)")) << out.str();
  EXPECT_TRUE(has(out.str(), "main arena  [heap]")) << out.str();
  EXPECT_TRUE(has(out.str(), "Private growth: ")) << out.str();
}

TEST(VmmapRender, HexPrintsBareHexBytes) {
  VmTarget now = heap_target("now.ldsnap", 0x20000);
  std::ostringstream out;
  print_vmmap(now, nullptr, std::nullopt, NumberStyle{true}, out);
  EXPECT_TRUE(has(out.str(), "21000")) << out.str();
  EXPECT_TRUE(has(out.str(), "20000")) << out.str();
  EXPECT_FALSE(has(out.str(), "KiB")) << out.str();
  EXPECT_FALSE(has(out.str(), "Change")) << out.str();
}

TEST(VmmapRender, JsonTypesChangesAndMappings) {
  VmTarget now = heap_target("now.ldsnap", 0x20000), base = heap_target("base.ldsnap", 0x8000);
  nlohmann::json j = vmmap_json(now, &base, procmem::MemType::kHeap);
  EXPECT_EQ(j["source"], "snapshot");
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["target"], "now.ldsnap");
  EXPECT_EQ(j["base"]["target"], "base.ldsnap");
  bool heap_row = false;
  for (const auto& t : j["types"])
    if (t["type"] == "Heap") {
      heap_row = true;
      EXPECT_EQ(t["size"], 0x21000);
      EXPECT_EQ(t["private"], 0x20000);
    }
  EXPECT_TRUE(heap_row);
  nlohmann::json heap_change;
  for (const auto& c : j["changes"])
    if (c["type"] == "Heap") heap_change = c;
  EXPECT_EQ(heap_change["private"], 0x18000);
  ASSERT_EQ(j["mappings"].size(), 1u);
  EXPECT_EQ(j["mappings"][0]["start"], "0x555555559000");
  EXPECT_EQ(j["mappings"][0]["perms"], "rw-p");
  EXPECT_TRUE(j.contains("private_growth"));
}

// Region classes as a classified snapshot gives them: 2 lost regions, 1 reachable.
ReachSummary region_classes(uint64_t lost_regions) {
  ReachSummary s;
  s.classified = s.regions_classified = true;
  s.region_unreachable = {lost_regions, lost_regions * 0x10000};
  s.region_reachable = {1, 0x40000};
  return s;
}

TEST(VmmapRender, SnapshotWithRegionClassesShowsThemWithTheirChange) {
  VmTarget now = heap_target("now.ldsnap", 0x20000), base = heap_target("base.ldsnap", 0x8000);
  now.reach = region_classes(2);
  base.reach = region_classes(1);
  std::ostringstream out;
  print_vmmap(now, &base, std::nullopt, NumberStyle{}, out);
  const std::string text = out.str();
  EXPECT_TRUE(has(text, "Tracked anonymous mmap regions by reachability (in Private Data):"))
      << text;
  const size_t lost = text.find("unreachable");
  ASSERT_NE(lost, std::string::npos) << text;
  const std::string row = text.substr(lost, text.find('\n', lost) - lost);
  EXPECT_TRUE(has(row, "128 KiB")) << row;
  EXPECT_TRUE(has(row, "+64.0 KiB")) << row;
  EXPECT_TRUE(has(row, "+1")) << row;

  nlohmann::json j = vmmap_json(now, &base, std::nullopt);
  EXPECT_EQ(j["mmap_region_classes"]["unreachable"]["regions"], 2);
  EXPECT_EQ(j["mmap_region_classes"]["unreachable"]["bytes"], 0x20000);
  EXPECT_EQ(j["mmap_region_classes"]["reachable"]["regions"], 1);
  EXPECT_EQ(j["base"]["mmap_region_classes"]["unreachable"]["regions"], 1);
}

TEST(VmmapRender, WithoutRegionClassesNothingIsAdded) {
  VmTarget now = heap_target("now.ldsnap", 0x20000);
  std::ostringstream out;
  print_vmmap(now, nullptr, std::nullopt, NumberStyle{}, out);
  EXPECT_FALSE(has(out.str(), "reachability")) << out.str();
  EXPECT_FALSE(vmmap_json(now, nullptr, std::nullopt).contains("mmap_region_classes"));
}

HeapModel one_block_model() {
  HeapModel m;
  m.tick_ns = 1000000;
  m.current_tick = 5000;
  m.caps.block_addresses = true;
  Block b;
  b.address = 0x5000010;
  b.size = 40;
  b.usable = 40;
  b.alloc_tick = 1000;
  b.thread_id = 77;
  b.api = ApiKind::kMalloc;
  b.flags = kBlockContentValid;
  std::memcpy(b.content, "password=hunter2", 16);
  m.blocks = {b};
  return m;
}

TEST(BlockRender, FoundBlockShowsOffsetAndContent) {
  HeapModel m = one_block_model();
  BlockDetail d = inspect_address(m, nullptr, 0x5000014);
  ASSERT_TRUE(d.found());
  ReferrerRenderer render(m, nullptr, NumberStyle{});
  std::ostringstream out;
  print_block(m, d, render, false, NumberStyle{}, out);
  EXPECT_TRUE(has(out.str(), "address 0x5000014 found in heap")) << out.str();
  EXPECT_TRUE(has(out.str(), "(offset +4 into the block)")) << out.str();
  EXPECT_TRUE(has(out.str(), "requested 40")) << out.str();
  EXPECT_TRUE(has(out.str(), "|password=hunter2|")) << out.str();
  EXPECT_TRUE(has(out.str(), "(no allocation stack recorded)")) << out.str();
  std::ostringstream hex;
  print_block(m, d, render, false, NumberStyle{true}, hex);
  EXPECT_TRUE(has(hex.str(), "requested 28")) << hex.str();

  nlohmann::json j = block_json(m, d, render, false);
  EXPECT_EQ(j["found"], true);
  EXPECT_EQ(j["kind"], "block");
  EXPECT_EQ(j["address"], "0x5000010");
  EXPECT_EQ(j["offset"], 4);
  EXPECT_EQ(j["content"], "70617373776f72643d68756e74657232");
  EXPECT_FALSE(j.contains("class"));  // no reachability scan in this snapshot
}

TEST(BlockRender, MissedAddressNamesTheNearestBlock) {
  HeapModel m = one_block_model();
  BlockDetail d = inspect_address(m, nullptr, 0x5000100);
  ASSERT_FALSE(d.found());
  ReferrerRenderer render(m, nullptr, NumberStyle{});
  std::ostringstream out;
  print_block(m, d, render, false, NumberStyle{}, out);
  EXPECT_TRUE(has(out.str(), "address 0x5000100 is in no tracked block or mmap region"))
      << out.str();
  EXPECT_TRUE(has(out.str(), "nearest below: block 0x5000010 (40 bytes)")) << out.str();
  nlohmann::json j = block_json(m, d, render, false);
  EXPECT_EQ(j["found"], false);
  EXPECT_EQ(j["nearest_below"]["address"], "0x5000010");
  EXPECT_TRUE(j["nearest_above"].is_null());
}

}  // namespace
}  // namespace leakdbg::cli
