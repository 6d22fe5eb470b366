// Writer and reader together: every section survives the round trip, the file appears only
// whole, and the rules that let old readers take newer files hold.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "format/model_encoder.h"
#include "format/snapshot_reader.h"
#include "format/snapshot_writer.h"
#include "snapshot_fixture.h"
#include "util/error.h"

namespace leakdbg {
namespace {

namespace fs = std::filesystem;
using fmt::SectionType;

fs::path scratch(const std::string& tag) {
  fs::path dir =
      fs::temp_directory_path() / ("leakdbg-format-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(RoundTrip, EverySectionSurvives) {
  fs::path dir = scratch("roundtrip");
  HeapModel in = test::sample_model();
  // Region classes, joined in the regions' file order (the anonymous region is written
  // first, read back second).
  in.caps.region_classes = true;
  in.regions[0].reach = ReachClass::kPossibly;
  in.regions[0].parent_kind = ReferrerKind::kBlock;
  in.regions[0].parent_slot = 0x10008;
  in.regions[0].referrer_count = 3;
  // Its further referrers, out of order: read back sorted by target.
  in.region_referrers = {{in.regions[0].address, 0x601000, 0, ReferrerKind::kMemory},
                         {in.regions[0].address, 5, 4242, ReferrerKind::kRegister}};
  std::string path = (dir / "0003-interval.ldsnap").string();
  fmt::write_snapshot(in, path);
  HeapModel out = fmt::read_snapshot(path);

  EXPECT_EQ(out.source_path, path);
  EXPECT_EQ(out.source_kind, "ldsnap");
  EXPECT_EQ(out.format_version, fmt::kFormatVersion);
  EXPECT_EQ(out.pid, in.pid);
  EXPECT_EQ(out.ppid, in.ppid);
  EXPECT_EQ(out.sequence, in.sequence);
  EXPECT_EQ(out.trigger, Trigger::kInterval);
  EXPECT_EQ(out.label, in.label);
  EXPECT_EQ(out.executable, in.executable);
  EXPECT_EQ(out.cwd, in.cwd);
  EXPECT_EQ(out.argv, in.argv);  // including the empty last argument
  EXPECT_EQ(out.start_realtime_ns, in.start_realtime_ns);
  EXPECT_EQ(out.snap_realtime_ns, in.snap_realtime_ns);
  EXPECT_EQ(out.snap_monotonic_ns, in.snap_monotonic_ns);
  EXPECT_EQ(out.tick_ns, in.tick_ns);
  EXPECT_EQ(out.current_tick, in.current_tick);
  EXPECT_EQ(out.allocator, 1);
  EXPECT_EQ(out.max_frames, 64);

  ASSERT_EQ(out.modules.size(), 2u);
  EXPECT_EQ(out.modules[0].path, "/usr/bin/server");
  EXPECT_EQ(out.modules[0].build_id, std::string("\x01\x02\xab\xcd", 4));
  EXPECT_EQ(out.modules[0].load_bias, 0x555500000000u);
  EXPECT_TRUE(out.modules[0].is_executable);
  ASSERT_EQ(out.modules[0].segments.size(), 2u);
  EXPECT_EQ(out.modules[0].segments[1].start, 0x55550000a000u);
  EXPECT_EQ(out.modules[0].segments[1].file_offset, 0xa000u);
  EXPECT_EQ(out.modules[0].segments[1].prot, 3u);
  EXPECT_TRUE(out.modules[1].unloaded);
  EXPECT_TRUE(out.modules[1].build_id.empty());

  ASSERT_EQ(out.stacks.size(), 3u);
  EXPECT_EQ(out.stacks[0].frames, in.stacks[0].frames);
  EXPECT_EQ(out.stacks[2].id, 7u);
  EXPECT_TRUE(out.stacks[2].frames.empty());

  ASSERT_EQ(out.blocks.size(), 3u);
  EXPECT_EQ(out.blocks[0].address, 0x10000u);  // sorted by address on load
  EXPECT_EQ(out.blocks[1].address, 0x10040u);
  EXPECT_EQ(out.blocks[2].address, 0x7f1000000010u);
  const Block& b = out.blocks[0];
  EXPECT_EQ(b.size, 48u);
  EXPECT_EQ(b.usable, 56u);
  EXPECT_EQ(b.alloc_tick, 100u);
  EXPECT_EQ(b.stack_id, 1u);
  EXPECT_EQ(b.thread_id, 4242u);
  EXPECT_EQ(b.arena, 0);
  EXPECT_EQ(b.api, ApiKind::kNew);
  EXPECT_TRUE(b.content_valid());
  EXPECT_EQ(std::memcmp(b.content, "hello, leak 1234", 16), 0);
  EXPECT_TRUE(out.blocks[2].mmapped_chunk());
  EXPECT_EQ(out.blocks[2].arena, fmt::kArenaUnknown);
  EXPECT_EQ(out.blocks[1].api, ApiKind::kNewArray);

  ASSERT_EQ(out.regions.size(), 2u);
  EXPECT_TRUE(out.regions[0].file_backed());  // lower address first
  EXPECT_EQ(out.regions[0].api, ApiKind::kMremap);
  EXPECT_EQ(out.regions[1].length, 8u << 20);
  EXPECT_EQ(out.regions[1].map_flags, 0x22);
  EXPECT_EQ(out.regions[1].prot, 3);
  EXPECT_TRUE(out.caps.region_classes);
  EXPECT_EQ(out.regions[1].reach, ReachClass::kPossibly);
  EXPECT_EQ(out.regions[1].parent_kind, ReferrerKind::kBlock);
  EXPECT_EQ(out.regions[1].parent_slot, 0x10008u);
  EXPECT_EQ(out.regions[1].referrer_count, 3u);
  EXPECT_EQ(out.regions[0].reach, ReachClass::kUnknown);  // file-backed: not classified
  ASSERT_EQ(out.region_referrers.size(), 2u);
  EXPECT_EQ(out.region_referrers[0].target, out.regions[1].address);
  EXPECT_EQ(out.region_referrers[0].kind, ReferrerKind::kMemory);
  EXPECT_EQ(out.region_referrers[0].slot, 0x601000u);
  EXPECT_EQ(out.region_referrers[1].kind, ReferrerKind::kRegister);
  EXPECT_EQ(out.region_referrers[1].tid, 4242u);
  EXPECT_EQ(out.referrers.size(), in.referrers.size());  // the blocks' apart

  ASSERT_EQ(out.arenas.size(), 2u);
  EXPECT_TRUE(out.arenas[0].is_main);
  EXPECT_EQ(out.arenas[0].system_current, 135168u);
  EXPECT_EQ(out.arenas[0].free_rest_bytes, 4000u);
  EXPECT_EQ(out.arenas[1].aspace_total, 64u << 20);
  EXPECT_EQ(out.arenas[1].aspace_mprotect, 1u << 20);

  ASSERT_EQ(out.sites.size(), 2u);
  EXPECT_EQ(out.sites[0].bytes_freed, 384u);
  EXPECT_EQ(out.sites[1].bytes_allocated, 1u << 20);
  ASSERT_EQ(out.samples.size(), 2u);
  EXPECT_EQ(out.samples[1].mmap_bytes, 8u << 20);
  EXPECT_EQ(out.samples[1].private_bytes, 4u << 20);
  ASSERT_EQ(out.threads.size(), 2u);
  EXPECT_EQ(out.threads[1].name, "worker-1");
  EXPECT_EQ(out.threads[0].stack_end, 0x7ffc00800000u);
  EXPECT_EQ(out.stats.total_allocs, 1000u);
  EXPECT_EQ(out.stats.unknown_frees, 2u);
  EXPECT_EQ(out.stats.tracker_bytes, 65536u);
  EXPECT_EQ(out.proc_status, in.proc_status);
  EXPECT_EQ(out.smaps, in.smaps);
  EXPECT_EQ(out.smaps_rollup, in.smaps_rollup);

  EXPECT_TRUE(out.caps.block_addresses);
  EXPECT_TRUE(out.caps.stacks_are_addresses);
  EXPECT_TRUE(out.caps.contents);
  EXPECT_TRUE(out.caps.arenas);
  EXPECT_TRUE(out.caps.regions);
  EXPECT_TRUE(out.caps.process_memory);
  EXPECT_TRUE(out.caps.time_series);
  // Reachability: classes follow their blocks through the reader's sort.
  EXPECT_TRUE(out.caps.reachability);
  EXPECT_TRUE(out.reachability.attempted);
  EXPECT_EQ(out.reachability.status, fmt::ReachStatus::kComplete);
  EXPECT_EQ(out.reachability.threads_stopped, 2u);
  EXPECT_EQ(out.reachability.pause_ns, 150'000u);
  EXPECT_EQ(out.reachability.fork_ns, 100'000u);
  EXPECT_EQ(out.reachability.scan_cpu_ns, 1'500'000u);
  EXPECT_EQ(out.blocks[0].reach, ReachClass::kReachable);
  EXPECT_EQ(out.blocks[0].parent_kind, ReferrerKind::kMemory);
  EXPECT_EQ(out.blocks[0].referrer_count, 2);
  EXPECT_EQ(out.blocks[1].reach, ReachClass::kReachable);
  EXPECT_EQ(out.blocks[1].parent_slot, out.blocks[0].address + 8);
  EXPECT_EQ(out.blocks[2].reach, ReachClass::kUnreachable);
  ASSERT_EQ(out.referrers.size(), 2u);
  EXPECT_EQ(out.referrers[0].target, 0x10000u);  // sorted by target
  EXPECT_EQ(out.referrers[0].kind, ReferrerKind::kRegister);
  EXPECT_EQ(out.referrers[0].tid, 4242u);
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"0003-interval.ldsnap"});
  fs::remove_all(dir);
}

TEST(RoundTrip, MissingSectionsLeaveCapabilitiesOff) {
  fs::path dir = scratch("minimal");
  HeapModel in;
  in.pid = 9;
  std::string path = (dir / "0001-exit.ldsnap").string();
  fmt::write_snapshot(in, path);
  HeapModel out = fmt::read_snapshot(path);
  EXPECT_EQ(out.pid, 9u);
  EXPECT_TRUE(out.blocks.empty());
  EXPECT_FALSE(out.caps.contents);
  EXPECT_FALSE(out.caps.arenas);
  EXPECT_FALSE(out.caps.regions);
  EXPECT_FALSE(out.caps.process_memory);
  EXPECT_FALSE(out.caps.time_series);
  fs::remove_all(dir);
}

TEST(RoundTrip, ManyBlocksStreamThroughSmallWrites) {
  fs::path dir = scratch("many");
  HeapModel in = test::synthetic_model(100'000, 300);
  std::string path = (dir / "0001-exit.ldsnap").string();
  fmt::write_snapshot(in, path);
  HeapModel out = fmt::read_snapshot(path);
  ASSERT_EQ(out.blocks.size(), in.blocks.size());
  for (size_t i = 0; i < in.blocks.size(); i += 997) {
    EXPECT_EQ(out.blocks[i].address, in.blocks[i].address);
    EXPECT_EQ(out.blocks[i].size, in.blocks[i].size);
    EXPECT_EQ(std::memcmp(out.blocks[i].content, in.blocks[i].content, 16), 0);
  }
  EXPECT_EQ(out.heap_bytes(), in.heap_bytes());
  EXPECT_EQ(out.stacks.size(), 300u);
  EXPECT_LT(fs::file_size(path), in.blocks.size() * sizeof(fmt::BlockRecord) / 2);  // compressed
  fs::remove_all(dir);
}

TEST(Writer, NothingVisibleUntilFinishAndTempRemovedOnAbort) {
  fs::path dir = scratch("atomic");
  {
    fmt::SnapshotWriter w;
    ASSERT_TRUE(w.open(dir.c_str(), "0001-interval.ldsnap"));
    ASSERT_TRUE(w.begin_section(SectionType::kProcStatus));
    ASSERT_TRUE(w.write("Name: x\n", 8));
    // Nothing has a name yet (an unnamed O_TMPFILE file), or only the hidden temporary.
    auto names = names_in(dir);
    EXPECT_TRUE(names.empty() ||
                names == std::vector<std::string>{".0001-interval.ldsnap." +
                                                  std::to_string(getpid()) + ".tmp"});
    w.abort();
    EXPECT_TRUE(names_in(dir).empty());
    EXPECT_FALSE(w.write("more", 4));
  }
  {
    fmt::SnapshotWriter w;
    ASSERT_TRUE(w.open(dir.c_str(), "0002-interval.ldsnap"));
    ASSERT_TRUE(w.begin_section(SectionType::kMeta));
    // Destroyed without finish(): the temporary goes too.
  }
  EXPECT_TRUE(names_in(dir).empty());
  fs::remove_all(dir);
}

// A series written again into the same folder replaces its older namesakes, as rename() does.
TEST(Writer, ReplacesAnOlderFileOfTheSameName) {
  fs::path dir = scratch("replace");
  const std::string path = (dir / "0001-exit.ldsnap").string();
  HeapModel model = test::sample_model();
  for (const char* status : {"Name:\tfirst\n", "Name:\tsecond\n"}) {
    model.proc_status = status;
    ASSERT_NO_THROW(fmt::write_snapshot(model, path));
  }
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"0001-exit.ldsnap"});
  EXPECT_EQ(fmt::read_snapshot(path).proc_status, "Name:\tsecond\n");
  fs::remove_all(dir);
}

TEST(Writer, ReportsErrorsWithErrno) {
  fmt::SnapshotWriter w;
  errno = 0;
  EXPECT_FALSE(w.open("/nonexistent/leakdbg/dir", "0001-exit.ldsnap"));
  EXPECT_EQ(errno, ENOENT);
  EXPECT_FALSE(w.begin_section(SectionType::kMeta));
  fmt::SnapshotWriter w2;
  EXPECT_FALSE(w2.open("/tmp", "a/b"));
  EXPECT_EQ(errno, EINVAL);
  fmt::SnapshotWriter w3;
  ASSERT_TRUE(w3.open(fs::temp_directory_path().c_str(), "leakdbg-writer-misuse.ldsnap"));
  EXPECT_FALSE(w3.write("x", 1));  // no section open
  EXPECT_EQ(errno, EINVAL);
  w3.abort();
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() /
                          (".leakdbg-writer-misuse.ldsnap." + std::to_string(getpid()) + ".tmp")));
}

// Where O_TMPFILE is missing: the named temporary is private, created exclusively and never
// through a link planted under its name, and the finished file is private too.
TEST(Writer, NamedTemporaryIsPrivateAndRefusesPlantedLinks) {
  fs::path dir = scratch("fallback");
  std::string temp = ".0001-exit.ldsnap." + std::to_string(getpid()) + ".tmp";
  fs::path victim = dir / "victim";
  { std::ofstream(victim) << "keep"; }
  fs::create_symlink(victim, dir / temp);
  {
    fmt::SnapshotWriter w;
    w.avoid_unnamed_files();
    errno = 0;
    EXPECT_FALSE(w.open(dir.c_str(), "0001-exit.ldsnap"));
    EXPECT_EQ(errno, EEXIST);
  }
  EXPECT_TRUE(fs::is_symlink(dir / temp));  // not ours: left alone
  std::ifstream in(victim);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "keep");
  fs::remove(dir / temp);
  fmt::SnapshotWriter w;
  w.avoid_unnamed_files();
  ASSERT_TRUE(w.open(dir.c_str(), "0001-exit.ldsnap"));
  struct stat st;
  ASSERT_EQ(stat((dir / temp).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(w.begin_section(SectionType::kMeta) && w.end_section() && w.finish());
  ASSERT_EQ(stat((dir / "0001-exit.ldsnap").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(dir / temp));
  fs::remove_all(dir);
}

TEST(Writer, DiskFullFailsCleanly) {
  // A file-size limit stands in for a full disk: write() fails part-way through a section.
  fs::path dir = scratch("full");
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit lim {
      4096, 4096
    };
    setrlimit(RLIMIT_FSIZE, &lim);
    signal(SIGXFSZ, SIG_IGN);
    int code;
    {
      fmt::SnapshotWriter w;
      bool ok = w.open(dir.c_str(), "0001-exit.ldsnap") && w.begin_section(SectionType::kBlocks);
      std::string noise;
      for (int i = 0; i < 200000; ++i) noise += std::to_string(i * 2654435761u);
      ok = ok && w.write(noise.data(), noise.size()) && w.end_section() && w.finish();
      code = ok ? 1 : (errno == EFBIG ? 0 : 2);
    }  // the destructor removes the temporary
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(names_in(dir).empty());  // no partial file and no temporary left behind
  fs::remove_all(dir);
}

TEST(Reader, SkipsUnknownSectionsAndAcceptsLargerHeaders) {
  fmt::BlockRecord r{};
  r.address = 0x5000;
  r.size = 10;
  std::string bytes =
      test::SnapshotBytes(1, 48)  // version 1: blocks as BlockRecords
          .meta(77, "lbl")
          .section(1000, "something a later writer knows")
          .section(static_cast<uint32_t>(SectionType::kBlocks), test::raw_of(r), false)
          .section(1001, "", false)
          .end()
          .bytes();
  HeapModel m = fmt::read_snapshot_bytes(bytes, "mem");
  EXPECT_EQ(m.pid, 77u);
  EXPECT_EQ(m.label, "lbl");
  ASSERT_EQ(m.blocks.size(), 1u);
  EXPECT_EQ(m.blocks[0].address, 0x5000u);
}

TEST(Reader, ConcatenatesSplitArraySections) {
  auto block = [](uint64_t address) {
    fmt::BlockRecord r{};
    r.address = address;
    r.size = 1;
    return test::raw_of(r);
  };
  uint32_t blocks = static_cast<uint32_t>(SectionType::kBlocks);
  std::string bytes = test::SnapshotBytes(1)  // version 1: blocks as BlockRecords
                          .meta()
                          .section(blocks, block(0x300) + block(0x100))
                          .section(blocks, block(0x200))
                          .end()
                          .bytes();
  HeapModel m = fmt::read_snapshot_bytes(bytes, "mem");
  ASSERT_EQ(m.blocks.size(), 3u);
  EXPECT_EQ(m.blocks[0].address, 0x100u);
  EXPECT_EQ(m.blocks[2].address, 0x300u);
}

TEST(Reader, LooksLikeSnapshot) {
  EXPECT_TRUE(fmt::looks_like_snapshot(std::string_view(fmt::kMagic, 8)));
  EXPECT_FALSE(fmt::looks_like_snapshot("LDSNAP"));
  EXPECT_FALSE(fmt::looks_like_snapshot(""));
  EXPECT_FALSE(fmt::looks_like_snapshot("* heap @ 0a5f0000"));
}

TEST(Reader, FileErrorsNameTheFile) {
  try {
    fmt::read_snapshot("/nonexistent/x.ldsnap");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("/nonexistent/x.ldsnap: cannot open", 0), 0u) << e.what();
  }
  try {
    fmt::read_snapshot("/tmp");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace leakdbg
