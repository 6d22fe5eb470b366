#include "snapshot_fixture.h"

#include <zstd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "format/crc32.h"

namespace leakdbg::test {

HeapModel sample_model() {
  HeapModel m;
  m.pid = 4242;
  m.ppid = 17;
  m.sequence = 3;
  m.trigger = Trigger::kInterval;
  m.label = "after warm-up";
  m.executable = "/usr/bin/server";
  m.cwd = "/srv";
  m.argv = {"/usr/bin/server", "--port", "8080", ""};
  m.start_realtime_ns = 1'700'000'000'000'000'000ull;
  m.snap_realtime_ns = 1'700'000'012'500'000'000ull;
  m.snap_monotonic_ns = 12'500'000'000ull;
  m.tick_ns = 1'000'000;
  m.current_tick = 12'500;
  m.allocator = 1;
  m.max_frames = 64;

  Module exe{
      "/usr/bin/server", std::string("\x01\x02\xab\xcd", 4), 0x555500000000, {}, false, true};
  exe.segments = {{0x555500001000, 0x555500009000, 0x1000, 5},
                  {0x55550000a000, 0x55550000c000, 0xa000, 3}};
  Module plugin{
      "/opt/plugin.so", "", 0x7f0000000000, {{0x7f0000001000, 0x7f0000002000, 0, 5}}, true, false};
  m.modules = {exe, plugin};

  Stack s1{1, {0x555500001234, 0x555500002345}, {}};
  Stack s2{2, {0x7f0000001100}, {}};
  Stack s3{7, {}, {}};
  m.stacks = {s1, s2, s3};

  Block b1;
  b1.address = 0x10000;
  b1.size = 48;
  b1.usable = 56;
  b1.alloc_tick = 100;
  b1.stack_id = 1;
  b1.thread_id = 4242;
  b1.arena = 0;
  b1.api = ApiKind::kNew;
  b1.flags = fmt::kBlockContentValid;
  std::memcpy(b1.content, "hello, leak 1234", 16);
  Block b2 = b1;
  b2.address = 0x7f1000000010;
  b2.size = 1 << 20;
  b2.usable = (1 << 20) + 4080;
  b2.stack_id = 2;
  b2.arena = fmt::kArenaUnknown;
  b2.api = ApiKind::kMalloc;
  b2.flags = fmt::kBlockMmappedChunk;
  b2.alloc_tick = 12'000;
  Block b3 = b1;
  b3.address = 0x10040;
  b3.size = 0;
  b3.api = ApiKind::kNewArray;
  b3.thread_id = 4243;
  b3.arena = 1;
  // Reachability: b1 held by a global, b3 by b1's second word, b2 lost and pointing at
  // itself.
  b1.reach = ReachClass::kReachable;
  b1.parent_kind = ReferrerKind::kMemory;
  b1.parent_slot = 0x555500001000;
  b1.referrer_count = 2;
  b3.reach = ReachClass::kReachable;
  b3.parent_kind = ReferrerKind::kBlock;
  b3.parent_slot = b1.address + 8;
  b3.referrer_count = 1;
  b2.reach = ReachClass::kUnreachable;
  b2.referrer_count = 1;
  m.blocks = {b2, b1, b3};  // out of order on purpose
  m.reachability.attempted = true;
  m.reachability.threads_stopped = 2;
  m.reachability.pause_ns = 150'000;
  m.reachability.scan_ns = 2'000'000;
  m.reachability.fork_ns = 100'000;
  m.reachability.scan_cpu_ns = 1'500'000;
  m.reachability.root_bytes = 1 << 20;
  m.reachability.block_bytes = 4096;
  m.reachability.referrers_found = 4;
  m.referrers = {{b1.address, 7, 4242, ReferrerKind::kRegister},
                 {b2.address, b2.address + 16, 0, ReferrerKind::kBlock}};
  m.caps.reachability = true;

  Region anon;
  anon.address = 0x7f2000000000;
  anon.length = 8 << 20;
  anon.alloc_tick = 50;
  anon.stack_id = 2;
  anon.thread_id = 4242;
  anon.prot = 3;
  anon.map_flags = 0x22;
  anon.api = ApiKind::kMmap;
  anon.flags = fmt::kRegionAnonymous;
  Region file = anon;
  file.address = 0x7f1f00000000;
  file.length = 4096;
  file.flags = fmt::kRegionFile | fmt::kRegionShared;
  file.api = ApiKind::kMremap;
  m.regions = {anon, file};

  Arena main_arena;
  main_arena.index = 0;
  main_arena.is_main = true;
  main_arena.address = 0x7f3000000000;
  main_arena.system_current = 135168;
  main_arena.system_max = 200000;
  main_arena.free_fast_count = 3;
  main_arena.free_fast_bytes = 96;
  main_arena.free_rest_count = 5;
  main_arena.free_rest_bytes = 4000;
  Arena thread_arena = main_arena;
  thread_arena.index = 1;
  thread_arena.is_main = false;
  thread_arena.aspace_total = 64 << 20;
  thread_arena.aspace_mprotect = 1 << 20;
  m.arenas = {main_arena, thread_arena};

  m.sites = {{1, 10, 8, 480, 384}, {2, 1, 0, 1 << 20, 0}};
  m.samples = {{100'000'000, 1000, 2, 0, 5 << 20, 3 << 20},
               {200'000'000, 2000, 3, 8 << 20, 6 << 20, 4 << 20}};
  m.threads = {{4242, "server", 0x7ffc00000000, 0x7ffc00800000}, {4243, "worker-1", 0, 0}};
  m.stats = {1000, 997, 1, 2, 3, 65536, 0};
  m.proc_status = "Name:\tserver\nVmRSS:\t  6144 kB\n";
  m.smaps = "55550000-55560000 r-xp 00000000 08:01 1 /usr/bin/server\nSize: 64 kB\n";
  m.smaps_rollup = "Rss: 6144 kB\nPss: 5000 kB\n";
  m.caps.regions = m.caps.arenas = m.caps.time_series = true;
  return m;
}

HeapModel synthetic_model(size_t blocks, size_t stacks) {
  HeapModel m;
  m.pid = 1;
  m.sequence = 1;
  m.trigger = Trigger::kExit;
  m.executable = "/bin/synthetic";
  m.tick_ns = 1'000'000;
  m.current_tick = blocks;
  m.stacks.resize(stacks);
  for (size_t i = 0; i < stacks; ++i) {
    m.stacks[i].id = static_cast<uint32_t>(i + 1);
    for (uint64_t f = 0; f < 12; ++f) m.stacks[i].frames.push_back(0x400000 + i * 64 + f * 8);
  }
  m.blocks.resize(blocks);
  uint64_t address = 0x555555560000;
  for (size_t i = 0; i < blocks; ++i) {
    Block& b = m.blocks[i];
    b.size = 16 + (i * 7919) % 497;
    b.address = address;
    address += (b.size + 8 + 15) & ~uint64_t{15};
    b.usable = ((b.size + 8 + 15) & ~uint64_t{15}) - 8;
    b.alloc_tick = i;
    b.stack_id = static_cast<uint32_t>(stacks ? i % stacks + 1 : 0);
    b.thread_id = 1000 + static_cast<uint32_t>(i % 4);
    b.arena = static_cast<uint16_t>(i % 4);
    b.api = ApiKind::kMalloc;
    b.flags = fmt::kBlockContentValid;
    uint64_t words[2] = {0x555555554000 + (i % 50) * 16, i};
    std::memcpy(b.content, words, sizeof words);
  }
  return m;
}

SnapshotBytes::SnapshotBytes(uint32_t version, uint32_t header_size) {
  fmt::FileHeader h{};
  std::memcpy(h.magic, fmt::kMagic, sizeof fmt::kMagic);
  h.version = version;
  h.header_size = header_size;
  bytes_ = raw_of(h);
  if (header_size > sizeof h) bytes_.append(header_size - sizeof h, '\x5a');
}

SnapshotBytes& SnapshotBytes::section(uint32_t type, const std::string& raw, bool compress,
                                      uint32_t crc_delta) {
  std::string stored = raw;
  if (compress) {
    stored.resize(ZSTD_compressBound(raw.size()));
    size_t n = ZSTD_compress(stored.data(), stored.size(), raw.data(), raw.size(), 1);
    if (ZSTD_isError(n)) throw std::runtime_error("zstd failed");
    stored.resize(n);
  }
  fmt::SectionHeader h{};
  h.type = type;
  h.flags = compress ? uint32_t{fmt::kSectionZstd} : 0u;
  h.stored_size = stored.size();
  h.raw_size = raw.size();
  h.crc32 = fmt::crc32_update(0, stored.data(), stored.size()) + crc_delta;
  bytes_ += raw_of(h) + stored;
  return *this;
}

SnapshotBytes& SnapshotBytes::meta(uint32_t pid, const std::string& label) {
  fmt::MetaRecord r{};
  r.pid = pid;
  r.sequence = 1;
  r.trigger = static_cast<uint8_t>(Trigger::kRequest);
  std::string strings = std::string("/bin/prog") + '\0' + label + '\0' + "/" + '\0';
  r.strings_size = static_cast<uint32_t>(strings.size());
  return section(static_cast<uint32_t>(fmt::SectionType::kMeta), raw_of(r) + strings);
}

SnapshotBytes& SnapshotBytes::end() {
  fmt::SectionHeader h{};
  h.type = static_cast<uint32_t>(fmt::SectionType::kEnd);
  bytes_ += raw_of(h);
  return *this;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace leakdbg::test
