// `leakdbg open ... -c '...'` as a user runs it: output shapes, one-line errors, exit codes.
#include <gtest/gtest.h>

#include <fstream>

#include "e2e_util.h"
#include "format/model_encoder.h"
#include "format/records.h"
#include "model/heap_model.h"

namespace {

// ctest runs the tests of this file as parallel processes: e2e::scratch_dir gives each its
// own folder, emptied once per process.
const std::string& scratch_dir() {
  static const std::string dir = e2e::scratch_dir("prompt-open");
  return dir;
}

// leakdbg with these arguments; its standard input is empty, so `open` never waits for
// commands typed after the -c ones.
e2e::Result run_leakdbg(std::vector<std::string> args) {
  args.insert(args.begin(), e2e::leakdbg());
  return e2e::run_with_input(args, "/dev/null");
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A glibc-like heap state: the main arena and one thread arena, seven blocks of two sizes,
// one mmapped chunk; one stack whose frames stay unresolved (no modules).
leakdbg::HeapModel synthetic_model(uint64_t sequence, size_t extra_48_byte_blocks) {
  using namespace leakdbg;
  HeapModel m;
  m.format_version = fmt::kFormatVersion;
  m.pid = 4242;
  m.sequence = sequence;
  m.trigger = Trigger::kInterval;
  m.allocator = 1;
  m.tick_ns = 1000000;
  m.current_tick = 5000;
  m.caps.block_addresses = true;
  m.caps.stacks_are_addresses = true;
  m.caps.arenas = true;
  Arena main_arena;
  main_arena.index = 0;
  main_arena.is_main = true;
  main_arena.address = 0x7f0000001000;
  main_arena.system_current = 0x21000;
  main_arena.system_max = 0x21000;
  main_arena.free_rest_count = 2;
  main_arena.free_rest_bytes = 0x400;
  Arena thread_arena = main_arena;
  thread_arena.index = 1;
  thread_arena.is_main = false;
  thread_arena.address = 0x7f1000000020;
  m.arenas = {main_arena, thread_arena};
  Stack stack;
  stack.id = 1;
  stack.frames = {0x401234, 0x401300};
  m.stacks = {stack};
  uint64_t address = 0x5000010;
  auto add = [&](uint64_t size, uint16_t arena, uint8_t flags) {
    Block b;
    b.address = address;
    b.size = size;
    b.usable = (size + 8 + 15) / 16 * 16 - 8;
    b.alloc_tick = 1000;
    b.stack_id = 1;
    b.thread_id = 77;
    b.arena = arena;
    b.api = ApiKind::kMalloc;
    b.flags = flags;
    m.blocks.push_back(b);
    address += 0x100;
  };
  for (size_t i = 0; i < 5 + extra_48_byte_blocks; ++i) add(48, 0, 0);
  add(64, 1, 0);
  add(64, 1, 0);
  add(200000, 0, leakdbg::kBlockMmappedChunk);
  return m;
}

std::string write_synthetic(const std::string& name, uint64_t sequence, size_t extra) {
  std::string path = scratch_dir() + "/" + name;
  leakdbg::fmt::write_snapshot(synthetic_model(sequence, extra), path);
  return path;
}

}  // namespace

TEST(OpenCommand, WindbgCommandsOnASnapshot) {
  std::string snap = write_synthetic("0001-interval.ldsnap", 1, 0);
  e2e::Result r =
      run_leakdbg({"open", snap, "-c",
                   "!heap -s; !heap -stat -h main; !heap -flt s 0n48; !heap -p -a 5000018"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  // !heap -s: the two arenas and the mmapped chunks, with busy figures.
  EXPECT_TRUE(has(r.out, "7f0000001000")) << r.out;
  EXPECT_TRUE(has(r.out, "7f1000000020")) << r.out;
  EXPECT_TRUE(has(r.out, "mmap-chunks")) << r.out;
  // !heap -stat -h main: 5 blocks of 0x30 = 0xf0 bytes, the main arena's handle as header.
  EXPECT_TRUE(has(r.out, " heap @ 7f0000001000\n")) << r.out;
  EXPECT_TRUE(has(r.out, "    30 5 - f0  (")) << r.out;
  EXPECT_FALSE(has(r.out, "    40 2 - 80")) << r.out;  // the thread arena's blocks
  // !heap -flt s 0n48: glibc chunk headers as HEAP_ENTRY, 16-byte units.
  EXPECT_TRUE(has(r.out, "    _HEAP @ 7f0000001000\n")) << r.out;
  EXPECT_TRUE(has(r.out, "        05000000 0004 ----  [00]   05000010    00030 - (busy)")) << r.out;
  // !heap -p -a on an interior pointer: the block, its stack and what leakdbg adds.
  EXPECT_TRUE(has(r.out, "    address 05000018 found in\n")) << r.out;
  EXPECT_TRUE(has(r.out, "00401234")) << r.out;
  EXPECT_TRUE(has(r.out, "thread 77, malloc")) << r.out;
}

TEST(OpenCommand, SnapSwitchesBetweenSnapshots) {
  std::string first = write_synthetic("0001-interval.ldsnap", 1, 0);
  std::string second = write_synthetic("0002-interval.ldsnap", 2, 3);
  e2e::Result r = run_leakdbg(
      {"open", first, second, "-c", "!heap -stat -h main; .snap 1; !heap -stat -h main; .snap"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  size_t before = r.out.find("    30 5 - f0");
  size_t after = r.out.find("    30 8 - 180");
  ASSERT_NE(before, std::string::npos) << r.out;
  ASSERT_NE(after, std::string::npos) << r.out;
  EXPECT_LT(before, after);
  EXPECT_TRUE(has(r.out, ". 1  " + second)) << r.out;
}

TEST(OpenCommand, ImportedWindowsTextAnswersTheSameCommands) {
  std::string log = std::string(LEAKDBG_WINDOWS_DATA) + "/session.txt";
  e2e::Result r = run_leakdbg(
      {"open", log, "-c", "!heap -stat -h 0a3c0000; !heap -p -a 1b2c4568; ln 6e4e52c3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "    30 c41a - 24c4e0  (")) << r.out;
  EXPECT_TRUE(has(r.out, "Tally!CRuleSet::Parse+0xc4")) << r.out;
  EXPECT_TRUE(has(r.out, "(6e4e52b4)   Tally!CRuleSet::LoadRules+0xf")) << r.out;
}

TEST(OpenCommand, BadCommandsAndBadFilesGiveOneLineAndNonZeroExit) {
  std::string snap = write_synthetic("0001-interval.ldsnap", 1, 0);
  e2e::Result bad = run_leakdbg({"open", snap, "-c", "!heap -flt r 40 20; !heap -s"});
  EXPECT_EQ(bad.exit_code, 2);  // arguments that cannot be: a usage error, as on the command line
  EXPECT_EQ(bad.err, "leakdbg: !heap -flt r MIN MAX: MIN must be below MAX (MAX is exclusive)\n");
  EXPECT_TRUE(has(bad.out, "mmap-chunks")) << bad.out;  // the next command still ran
  // A line not understood inside a recognized output is skipped and counted, never fatal.
  std::string corrupt = std::string(LEAKDBG_WINDOWS_DATA) + "/malformed/heap-stat-bad-total.txt";
  e2e::Result broken = run_leakdbg({"open", corrupt, "-c", "!heap -s"});
  EXPECT_EQ(broken.exit_code, 0) << broken.err;
  EXPECT_TRUE(
      has(broken.err, "heap-stat-bad-total.txt: skipped 1 line not understood; first at line 4: "))
      << broken.err;
  // Prose with no recognizable output is refused with one line.
  std::string prose = scratch_dir() + "/prose.txt";
  std::ofstream(prose) << "We looked at the heap for a while and then went home.\n";
  e2e::Result refused = run_leakdbg({"open", prose, "-c", "!heap -s"});
  EXPECT_NE(refused.exit_code, 0);
  size_t lines = 0;
  for (char c : refused.err) lines += c == '\n';
  EXPECT_EQ(lines, 1u) << refused.err;
}

// The command line's policy: 2 for what could not be parsed (as `leakdbg block` exits on a bad
// address), 1 for a command that ran and failed, 2 when both happened.
TEST(OpenCommand, ExitCodesFollowTheErrorPolicy) {
  std::string snap = write_synthetic("0001-interval.ldsnap", 1, 0);
  e2e::Result bad_address = run_leakdbg({"open", snap, "-c", "!heap -p -a zzz"});
  EXPECT_EQ(bad_address.exit_code, 2) << bad_address.err;
  EXPECT_EQ(bad_address.err,
            "leakdbg: bad address \"zzz\" (hex by default, 0n prefix for decimal)\n");
  e2e::Result unknown = run_leakdbg({"open", snap, "-c", "bogus"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  e2e::Result failed = run_leakdbg({"open", snap, "-c", ".snap 5; !heap -s"});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  e2e::Result both = run_leakdbg({"open", snap, "-c", ".snap 5; !heap -p -a q"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
  e2e::Result fine = run_leakdbg({"open", snap, "-c", "!heap -s; ?"});
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
}

TEST(OpenCommand, PipedCommandsWithoutTerminal) {
  std::string snap = write_synthetic("0001-interval.ldsnap", 1, 0);
  std::string script = scratch_dir() + "/commands.txt";
  std::ofstream(script) << "!heap -stat -h main\nq\n!heap -s\n";
  e2e::Result r = e2e::run_with_input({e2e::leakdbg(), "open", snap}, script);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "    30 5 - f0")) << r.out;
  EXPECT_FALSE(has(r.out, "Reserv")) << r.out;  // q stopped before !heap -s
}
