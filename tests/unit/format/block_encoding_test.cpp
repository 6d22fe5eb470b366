// The version-2 blocks encoding: random live sets with edge values survive a round trip (in
// their order, through the writer's chunking too), and the decoder refuses every malformed
// payload docs/snapshot-format.md names: truncated or overlong varints, addresses that do not
// increase or leave 64 bits, counts and indexes beyond what the payload holds.
#include "format/block_encoding.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "format/byte_cursor.h"
#include "format/record_decoders.h"
#include "format/snapshot_reader.h"
#include "format/snapshot_writer.h"
#include "model/heap_model.h"
#include "snapshot_fixture.h"
#include "util/error.h"

namespace leakdbg {
namespace {

namespace fs = std::filesystem;

// What the encoding keeps of a record: content only where valid and only its first
// min(size, 16) bytes, two flag bits, four api bits.
Block expected_block(const fmt::BlockRecord& r) {
  Block b = fmt::to_model(r);
  b.api = static_cast<ApiKind>(r.api & 15);
  b.flags = r.flags & (fmt::kBlockMmappedChunk | fmt::kBlockContentValid);
  std::memset(b.content, 0, sizeof b.content);
  if (b.content_valid()) std::memcpy(b.content, r.content, r.size < 16 ? r.size : 16);
  return b;
}

void expect_same(const std::vector<Block>& got, const std::vector<fmt::BlockRecord>& records) {
  ASSERT_EQ(got.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const Block want = expected_block(records[i]);
    const Block& b = got[i];
    ASSERT_EQ(b.address, want.address) << i;
    ASSERT_EQ(b.size, want.size) << i;
    ASSERT_EQ(b.usable, want.usable) << i;
    ASSERT_EQ(b.alloc_tick, want.alloc_tick) << i;
    ASSERT_EQ(b.stack_id, want.stack_id) << i;
    ASSERT_EQ(b.thread_id, want.thread_id) << i;
    ASSERT_EQ(b.arena, want.arena) << i;
    ASSERT_EQ(b.api, want.api) << i;
    ASSERT_EQ(b.flags, want.flags) << i;
    ASSERT_EQ(std::memcmp(b.content, want.content, 16), 0) << i;
  }
}

std::vector<Block> round_trip(const std::vector<fmt::BlockRecord>& records) {
  std::vector<uint8_t> out(fmt::max_encoded_bytes(records.size()));
  size_t n = fmt::encode_blocks(records.data(), records.size(), out.data());
  EXPECT_LE(n, out.size());
  std::vector<Block> blocks;
  fmt::decode_blocks_v2(std::string_view(reinterpret_cast<const char*>(out.data()), n), blocks);
  return blocks;
}

// A live set with runs in address order and breaks in it, every field drawn from a mix of
// edge values and random ones.
std::vector<fmt::BlockRecord> random_live_set(size_t count, uint32_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::initializer_list<uint64_t> edges) {
    if (rng() % 4 == 0) return *(edges.begin() + rng() % edges.size());
    return rng() >> (rng() % 64);
  };
  std::vector<fmt::BlockRecord> records(count);
  uint64_t address = 0;
  for (size_t i = 0; i < count; ++i) {
    fmt::BlockRecord& r = records[i];
    if (rng() % 50 == 0)
      address = pick({0, 1, UINT64_MAX - 1000, 0x7fffffffffff});  // a new run, maybe backwards
    else
      address += 16 * (1 + rng() % 40) + (rng() % 20 == 0 ? rng() % 16 : 0);
    r.address = address;
    r.size = pick({0, 1, 15, 16, 17, UINT64_MAX, 1ull << 40});
    r.usable = rng() % 3 == 0 ? pick({0, UINT64_MAX, r.size}) : r.size + rng() % 24;
    r.alloc_tick = pick({0, UINT64_MAX, 1ull << 63});
    r.stack_id = static_cast<uint32_t>(rng() % 3 == 0 ? (i > 0 ? records[i - 1].stack_id : 0)
                                                      : pick({0, 1, UINT32_MAX}));
    r.thread_id =
        static_cast<uint32_t>(rng() % 4 == 0 ? pick({0, UINT32_MAX}) : 1000 + rng() % 100);
    r.arena = static_cast<uint16_t>(rng() % 2 ? 0 : pick({fmt::kArenaUnknown, 1, 0xfffe}));
    r.api = static_cast<uint8_t>(rng() % 16);
    r.flags = static_cast<uint8_t>(rng() % 4);
    for (uint8_t& c : r.content) c = static_cast<uint8_t>(rng());
  }
  return records;
}

TEST(BlockEncoding, RandomLiveSetsRoundTrip) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    auto records = random_live_set(3000, seed);
    expect_same(round_trip(records), records);
  }
}

TEST(BlockEncoding, EdgeValues) {
  fmt::BlockRecord top{};
  top.address = UINT64_MAX;
  top.size = UINT64_MAX;
  top.usable = 0;
  top.alloc_tick = UINT64_MAX;
  top.stack_id = UINT32_MAX;
  top.thread_id = UINT32_MAX;
  top.arena = fmt::kArenaUnknown;
  top.api = 15;
  top.flags = fmt::kBlockContentValid | fmt::kBlockMmappedChunk;
  std::memset(top.content, 0xff, 16);
  fmt::BlockRecord zero{};  // address 0, size 0, content valid but empty
  zero.flags = fmt::kBlockContentValid;
  std::memset(zero.content, 0xab, 16);
  fmt::BlockRecord no_content = top;
  no_content.address = UINT64_MAX - 15;
  no_content.flags = 0;
  std::vector<fmt::BlockRecord> records = {zero, no_content, top};
  std::vector<Block> got = round_trip(records);
  expect_same(got, records);
  EXPECT_EQ(got[0].content[0], 0);  // nothing of a 0-byte block is kept
  EXPECT_EQ(got[1].content[0], 0);  // nor of one whose bytes were not read
  EXPECT_EQ(round_trip({}).size(), 0u);
}

TEST(BlockEncoding, AddressOrderedSetIsCompact) {
  // Glibc-like: 16-byte aligned, a few distinct sizes, one thread, a handful of stacks.
  std::vector<fmt::BlockRecord> records(100000);
  uint64_t address = 0x555555560000;
  for (size_t i = 0; i < records.size(); ++i) {
    fmt::BlockRecord& r = records[i];
    r.address = address;
    r.size = 16 + i % 49;
    r.usable = ((r.size + 8 + 15) & ~uint64_t{15}) - 8;
    address += r.usable + 8;
    r.alloc_tick = 1000 + i / 100;
    r.stack_id = static_cast<uint32_t>(1 + i % 3);
    r.thread_id = 4242;
    r.arena = 0;
    r.api = 1;
    r.flags = fmt::kBlockContentValid;
  }
  std::vector<uint8_t> out(fmt::max_encoded_bytes(records.size()));
  size_t n = fmt::encode_blocks(records.data(), records.size(), out.data());
  EXPECT_LT(n, records.size() * (16 + 8));  // at most 8 bytes besides the content
}

TEST(BlockEncoding, ThreadTableOverflowStartsNewGroup) {
  std::vector<fmt::BlockRecord> records(1000);
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].address = 0x1000 + i * 32;
    records[i].thread_id = static_cast<uint32_t>(i % 300);  // 300 threads, table of 64
  }
  expect_same(round_trip(records), records);
}

TEST(BlockEncoding, WriterChunksAndReaderConcatenate) {
  // More records than the writer encodes at once, written in uneven calls: every chunk
  // boundary starts a group, the order of the records is kept.
  auto records = random_live_set(10000, 99);
  fs::path dir = fs::temp_directory_path() / ("leakdbg-blockenc-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fmt::SnapshotWriter w;
  fmt::MetaRecord meta{};
  std::string strings = std::string("/x") + '\0' + '\0' + "/" + '\0';
  meta.strings_size = static_cast<uint32_t>(strings.size());
  bool ok = w.open(dir.c_str(), "0001-exit.ldsnap") && w.begin_section(fmt::SectionType::kMeta) &&
            w.write(&meta, sizeof meta) && w.write(strings.data(), strings.size()) &&
            w.end_section() && w.begin_section(fmt::SectionType::kBlocks);
  for (size_t at = 0, step = 1; ok && at < records.size(); at += step, step = step * 3 + 1)
    ok = w.write_blocks(records.data() + at, std::min(step, records.size() - at));
  ok = ok && w.end_section() && w.finish();
  ASSERT_TRUE(ok);
  HeapModel m = fmt::read_snapshot((dir / "0001-exit.ldsnap").string());
  fs::remove_all(dir);
  EXPECT_EQ(m.format_version, 2u);
  std::sort(
      records.begin(), records.end(),
      [](const fmt::BlockRecord& a, const fmt::BlockRecord& b) { return a.address < b.address; });
  // The reader sorts by address; equal addresses (in separate runs) may come in any order.
  ASSERT_EQ(m.blocks.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) ASSERT_EQ(m.blocks[i].address, records[i].address);
}

// The decoder's message for `payload`, or "" if it decoded.
std::string refusal(const std::string& payload) {
  std::vector<Block> blocks;
  try {
    fmt::decode_blocks_v2(payload, blocks);
    return "";
  } catch (const fmt::Corrupt& e) {
    return e.what();
  }
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string encoded(const std::vector<fmt::BlockRecord>& records) {
  std::vector<uint8_t> out(fmt::max_encoded_bytes(records.size()));
  size_t n = fmt::encode_blocks(records.data(), records.size(), out.data());
  return std::string(reinterpret_cast<const char*>(out.data()), n);
}

TEST(BlockDecoding, EveryTruncationOfOneGroupIsRefused) {
  auto records = random_live_set(40, 7);
  records[0].address = 0x1000;
  for (size_t i = 1; i < records.size(); ++i) records[i].address = records[i - 1].address + 64;
  for (auto& r : records) r.thread_id = 5;
  std::string good = encoded(records);
  ASSERT_EQ(refusal(good), "");
  for (size_t cut = 1; cut < good.size(); ++cut) {
    std::string message = refusal(good.substr(0, cut));
    ASSERT_FALSE(message.empty()) << "cut at " << cut << " decoded";
    EXPECT_EQ(message.rfind("blocks section: ", 0), 0u) << message;
  }
}

// A group header: count, shift, one thread (id 7).
std::string header(uint8_t count, uint8_t shift = 4) {
  return std::string{static_cast<char>(count), static_cast<char>(shift), 1, 7};
}
// One entry: head (api 1), address step, size, usable difference, tick difference, stack id,
// thread index, arena; no content.
std::string entry(uint8_t step, uint8_t head = 1, uint8_t thread_index = 0) {
  std::string e{static_cast<char>(head), static_cast<char>(step), 24, 0, 0};
  if (!(head & fmt::BlockHead::kSameStack)) e += '\x03';
  if (!(head & fmt::BlockHead::kSameThread)) e += std::string{static_cast<char>(thread_index), 1};
  return e;
}

TEST(BlockDecoding, HandMadePayloads) {
  ASSERT_EQ(refusal(header(2) + entry(1) + entry(2)), "");
  std::vector<Block> blocks;
  fmt::decode_blocks_v2(header(2) + entry(1) + entry(2, 1 | fmt::BlockHead::kSameStack), blocks);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].address, 16u);
  EXPECT_EQ(blocks[1].address, 48u);
  EXPECT_EQ(blocks[1].stack_id, 3u);
  EXPECT_EQ(blocks[1].thread_id, 7u);
  EXPECT_EQ(blocks[0].arena, 0u);

  EXPECT_TRUE(contains(refusal(header(2) + entry(1) + entry(0)), "not above the block before"));
  // First address 2^64 - 16 (shift 4), then a step of 1 (16 bytes): past 64 bits.
  std::string high = std::string{1, 4, 1, 7} +
                     std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\x0f", 10) +
                     std::string{24, 0, 0, 3, 0, 1};
  ASSERT_EQ(refusal(high), "");
  std::string wrap = std::string{2, 4, 1, 7} +
                     std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\x0f", 10) +
                     std::string{24, 0, 0, 3, 0, 1} + entry(1);
  EXPECT_TRUE(contains(refusal(wrap), "beyond 64 bits")) << refusal(wrap);
  // A step that shifted leaves 64 bits.
  std::string shifted = std::string{1, 63, 1, 7, 1, 2, 24, 0, 0, 3, 0, 1};
  EXPECT_TRUE(contains(refusal(shifted), "beyond 64 bits")) << refusal(shifted);
  // Overlong varints: a needless continuation, 11 bytes, a tenth byte above 1.
  EXPECT_TRUE(contains(refusal(std::string("\x81\x00", 2) + header(1).substr(1) + entry(1)),
                       "overlong varint"));
  EXPECT_TRUE(contains(refusal(std::string(10, '\x80') + '\x01'), "overlong varint"));
  EXPECT_TRUE(contains(refusal(std::string(9, '\xff') + '\x02'), "overlong varint"));
  EXPECT_TRUE(contains(refusal(std::string(3, '\x80')), "truncated varint"));
  // Counts beyond the payload, empty groups, bad shift, indexes, references and ranges.
  EXPECT_TRUE(contains(refusal(header(100) + entry(1)), "cannot fit"));
  EXPECT_TRUE(contains(refusal(std::string("\x01\x04\x7f\x07", 4) + entry(1)), "cannot fit"));
  EXPECT_TRUE(contains(refusal(header(0)), "empty group"));
  EXPECT_TRUE(contains(refusal(header(1, 64) + entry(1)), "address shift 64"));
  EXPECT_TRUE(contains(refusal(header(1) + entry(1, 1, 1)), "thread index 1"));
  EXPECT_TRUE(
      contains(refusal(header(1) + entry(1, 1 | fmt::BlockHead::kSameStack)), "first block"));
  EXPECT_TRUE(
      contains(refusal(header(1) + entry(1, 1 | fmt::BlockHead::kSameThread)), "first block"));
  std::string big_arena = header(1) + std::string{1, 1, 24, 0, 0, 3, 0} + "\x80\x80\x04";
  EXPECT_TRUE(contains(refusal(big_arena), "arena")) << refusal(big_arena);
  std::string big_stack =
      header(1) + std::string{1, 1, 24, 0, 0} + "\x80\x80\x80\x80\x10" + std::string{0, 1};
  EXPECT_TRUE(contains(refusal(big_stack), "stack id")) << refusal(big_stack);
  std::string missing_content =
      header(1) + entry(1, 1 | fmt::BlockHead::kContent) + std::string(10, 'x');
  EXPECT_TRUE(contains(refusal(missing_content), "truncated (content)"))
      << refusal(missing_content);
}

TEST(BlockDecoding, VersionOneFilesStillRead) {
  fmt::BlockRecord r{};
  r.address = 0x5000;
  r.size = 10;
  r.flags = fmt::kBlockContentValid;
  std::memcpy(r.content, "0123456789", 10);
  std::string v1 = test::SnapshotBytes(1)
                       .meta()
                       .section(static_cast<uint32_t>(fmt::SectionType::kBlocks), test::raw_of(r))
                       .end()
                       .bytes();
  HeapModel m = fmt::read_snapshot_bytes(v1, "v1");
  EXPECT_EQ(m.format_version, 1u);
  ASSERT_EQ(m.blocks.size(), 1u);
  EXPECT_EQ(m.blocks[0].address, 0x5000u);
  EXPECT_EQ(std::memcmp(m.blocks[0].content, "0123456789", 10), 0);
  // The same bytes in a version-2 file are no valid encoding.
  std::string v2 = test::SnapshotBytes(2)
                       .meta()
                       .section(static_cast<uint32_t>(fmt::SectionType::kBlocks), test::raw_of(r))
                       .end()
                       .bytes();
  EXPECT_THROW(fmt::read_snapshot_bytes(v2, "v2"), Error);
}

}  // namespace
}  // namespace leakdbg
