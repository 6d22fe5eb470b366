#include "tracker/block_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "format/snapshot_reader.h"
#include "test_blocks.h"

namespace leakdbg::tracker {
namespace {

namespace fs = std::filesystem;

std::atomic<uint32_t> g_no_marks{0};
void no_releases_in_flight() {
  while (g_no_marks.load(std::memory_order_acquire) != 0) std::this_thread::yield();
}

fs::path scratch(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("leakdbg-block-stream-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Real blocks (the stream reads their first bytes), each filled with its own byte.
struct Blocks {
  std::vector<void*> memory;
  std::vector<LiveBlock> live;
  Blocks(size_t count, size_t min_size, size_t max_size) {
    for (size_t i = 0; i < count; ++i) {
      const size_t size = min_size + (i * 37) % (max_size - min_size + 1);
      void* p = std::malloc(size);
      std::memset(p, static_cast<int>(i * 13 + 1), size);
      memory.push_back(p);
      LiveBlock b = block_at(reinterpret_cast<uintptr_t>(p), size, static_cast<uint32_t>(i % 9));
      b.thread_id = static_cast<uint32_t>(100 + i % 5);
      b.tick = static_cast<uint32_t>(i);
      live.push_back(b);
    }
  }
  ~Blocks() {
    for (void* p : memory) std::free(p);
  }
};

// Writes the blocks of `shadow` and `table` through a BlockStream (with a meta section, which
// every snapshot has) and reads the file back.
HeapModel stream_and_read(const fs::path& dir, HeapShadow& shadow, LiveTable& table,
                          size_t chunk_records, uint64_t* written) {
  fmt::MetaRecord meta{};
  meta.sequence = 1;
  const char strings[] = "/exe\0\0/";
  meta.strings_size = sizeof strings;
  fmt::SnapshotWriter writer;
  BlockStream stream(writer, shadow, table, chunk_records);
  EXPECT_TRUE(writer.open(dir.c_str(), "0001-api.ldsnap") &&
              writer.begin_section(fmt::SectionType::kMeta) && writer.write(&meta, sizeof meta) &&
              writer.write(strings, sizeof strings) && writer.end_section() &&
              writer.begin_section(fmt::SectionType::kBlocks) && stream.write_live_blocks() &&
              writer.end_section() && writer.finish());
  *written = stream.records_written();
  return fmt::read_snapshot((dir / "0001-api.ldsnap").string());
}

using Key = std::tuple<uint64_t, uint64_t, uint32_t, uint32_t, uint64_t, int, std::string>;

Key key_of(const LiveBlock& b) {
  const size_t n = b.size < 16 ? b.size : 16;
  return {b.address,
          b.size,
          b.stack_id,
          b.thread_id,
          b.tick,
          b.api,
          std::string(reinterpret_cast<const char*>(b.address), n)};
}

Key key_of(const Block& b) {
  const size_t n = b.size < 16 ? b.size : 16;
  return {b.address,
          b.size,
          b.stack_id,
          b.thread_id,
          b.alloc_tick,
          static_cast<int>(b.api),
          std::string(reinterpret_cast<const char*>(b.content), n)};
}

TEST(BlockStream, ManyBlocksReadBackEqualTheLiveSet) {
  static HeapShadow shadow;
  static LiveTable table;
  ASSERT_TRUE(shadow.enable(no_releases_in_flight));
  // Few enough that no buffer of the read-back reaches 5 MB: freeing one that large would
  // raise glibc's mmap threshold for the tests that follow.
  Blocks blocks(20000, 1, 300);
  std::map<uint64_t, Key> expected;
  size_t in_table = 0;
  for (size_t i = 0; i < blocks.live.size(); ++i) {
    const LiveBlock& b = blocks.live[i];
    LiveBlock replaced;
    // Every third block in the table, as when the shadow's budget is spent.
    if (i % 3 != 0 && shadow.insert(b, &replaced) == HeapShadow::Insert::kStored) {
    } else {
      ASSERT_TRUE(table.insert(b));
      ++in_table;
    }
    expected[b.address] = key_of(b);
  }
  ASSERT_GT(in_table, 0u);
  ASSERT_LT(in_table, blocks.live.size());
  fs::path dir = scratch("many");
  uint64_t written = 0;
  // 1000 records a chunk: neither the shadow's ranges nor the shards line up with it.
  HeapModel model = stream_and_read(dir, shadow, table, 1000, &written);
  EXPECT_EQ(written, expected.size());
  ASSERT_EQ(model.blocks.size(), expected.size());
  std::map<uint64_t, Key> seen;
  for (const Block& b : model.blocks) {
    EXPECT_TRUE(seen.emplace(b.address, key_of(b)).second) << "twice: " << b.address;
    EXPECT_TRUE(b.flags & fmt::kBlockContentValid);
  }
  EXPECT_EQ(seen, expected);
  fs::remove_all(dir);
  shadow.clear_for_tests();
  table.clear_for_tests();
}

// Blocks that fill whole chunks exactly, and none at all: no empty write, no record lost at
// the boundary, and an empty blocks section still reads.
TEST(BlockStream, ChunkBoundariesAndAnEmptyLiveSet) {
  static HeapShadow shadow;
  static LiveTable table;
  for (size_t count : {size_t{0}, size_t{1}, size_t{8}, size_t{64}, size_t{65}}) {
    SCOPED_TRACE(count);
    Blocks blocks(count, 16, 64);
    for (const LiveBlock& b : blocks.live) ASSERT_TRUE(table.insert(b));
    fs::path dir = scratch("boundary");
    uint64_t written = 0;
    HeapModel model = stream_and_read(dir, shadow, table, 8, &written);
    EXPECT_EQ(written, count);
    std::map<uint64_t, Key> expected, seen;
    for (const LiveBlock& b : blocks.live) expected[b.address] = key_of(b);
    for (const Block& b : model.blocks) seen[b.address] = key_of(b);
    EXPECT_EQ(model.blocks.size(), count);
    EXPECT_EQ(seen, expected);
    fs::remove_all(dir);
    table.clear_for_tests();
  }
}

}  // namespace
}  // namespace leakdbg::tracker
