// `leakdbg vmmap PID` on prog_memkinds, which holds memory of every kind at known
// addresses: each region must be listed under its type, with plausible totals.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "e2e_util.h"

namespace {

using nlohmann::json;

constexpr uint64_t kMiB = 1 << 20;

struct Region {
  uint64_t address = 0, size = 0;
  std::string path;
};

// prog_memkinds, started with pipes: its report is read up to "ready"; closing its stdin
// ends it.
class MemKinds {
 public:
  MemKinds() {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      std::string prog = e2e::bin("prog_memkinds");
      execl(prog.c_str(), prog.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    FILE* report = fdopen(out[0], "r");
    char line[512];
    while (report && std::fgets(line, sizeof line, report)) {
      std::string text(line);
      if (text == "ready\n") break;
      auto eq = text.find('=');
      if (eq == std::string::npos) continue;
      std::istringstream values(text.substr(eq + 1));
      Region r;
      std::string address;
      values >> address >> r.size >> r.path;
      r.address = std::stoull(address, nullptr, 0);
      regions_.emplace(text.substr(0, eq), r);
    }
    if (report) std::fclose(report);
  }
  ~MemKinds() {
    if (stdin_ >= 0) close(stdin_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  int pid() const { return pid_; }
  std::vector<Region> all(const std::string& name) const {
    std::vector<Region> out;
    auto [b, e] = regions_.equal_range(name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
  }
  Region one(const std::string& name) const {
    auto v = all(name);
    return v.empty() ? Region{} : v.front();
  }

 private:
  int pid_ = -1, stdin_ = -1;
  std::multimap<std::string, Region> regions_;
};

uint64_t hex(const json& j) { return std::stoull(j.get<std::string>(), nullptr, 16); }

json vmmap(const std::vector<std::string>& args) {
  std::vector<std::string> argv{e2e::leakdbg(), "vmmap"};
  argv.insert(argv.end(), args.begin(), args.end());
  e2e::Result r = e2e::run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return e2e::json_of(r);
}

// The mapping of the detail list that holds [address, address+size), or null.
json holder(const json& detail, uint64_t address, uint64_t size) {
  for (const auto& m : detail["mappings"])
    if (hex(m["start"]) <= address && address + size <= hex(m["end"])) return m;
  return nullptr;
}

class VmmapOnMemKinds : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { prog_ = new MemKinds; }
  static void TearDownTestSuite() {
    delete prog_;
    prog_ = nullptr;
  }
  static json detail(const std::string& type) {
    return vmmap({std::to_string(prog_->pid()), "--detail", type, "--json"});
  }
  static MemKinds* prog_;
};
MemKinds* VmmapOnMemKinds::prog_ = nullptr;

TEST_F(VmmapOnMemKinds, EveryTypeIsARowWithAllColumns) {
  ASSERT_GT(prog_->pid(), 0);
  json out = vmmap({std::to_string(prog_->pid()), "--json"});
  const char* const kTypes[] = {"Image", "Mapped File",  "Shareable",  "Heap",
                                "Stack", "Private Data", "Page Table", "Reserved"};
  ASSERT_EQ(out["types"].size(), 8u);
  uint64_t sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const json& t = out["types"][i];
    EXPECT_EQ(t["type"], kTypes[i]);
    for (const char* key :
         {"size", "committed", "private", "rss", "pss", "swap", "locked", "blocks", "largest"})
      EXPECT_TRUE(t[key].is_number_unsigned()) << kTypes[i] << " " << key;
    EXPECT_LE(t["committed"].get<uint64_t>(), t["size"].get<uint64_t>());
    EXPECT_LE(t["largest"].get<uint64_t>(), t["size"].get<uint64_t>());
    sum += t["size"].get<uint64_t>();
  }
  EXPECT_EQ(out["total"]["size"].get<uint64_t>(), sum);
  auto type = [&](size_t i) { return out["types"][i]; };
  EXPECT_GE(type(2)["size"].get<uint64_t>(), 4 * kMiB);  // Shareable
  EXPECT_GE(type(2)["rss"].get<uint64_t>(), 4 * kMiB);
  EXPECT_GE(type(1)["size"].get<uint64_t>(), 2 * kMiB);            // Mapped File
  EXPECT_GE(type(3)["private"].get<uint64_t>(), 8 * kMiB + kMiB);  // Heap: big block + small ones
  EXPECT_GE(type(4)["size"].get<uint64_t>(), 4 * kMiB);            // Stack: 1 + 3 MiB thread stacks
  EXPECT_GE(type(5)["rss"].get<uint64_t>(), 6 * kMiB);             // Private Data
  EXPECT_LT(type(5)["rss"].get<uint64_t>(), 8 * kMiB) << "the heap's big block is not Private Data";
  EXPECT_GT(type(6)["size"].get<uint64_t>(), 0u);         // Page Table
  EXPECT_GE(type(7)["size"].get<uint64_t>(), 16 * kMiB);  // Reserved
  EXPECT_EQ(type(7)["committed"].get<uint64_t>(), 0u);
  EXPECT_GE(out["private_bytes"].get<uint64_t>(), 6 * kMiB + 8 * kMiB);
}

TEST_F(VmmapOnMemKinds, PrivateAnonymousMappingIsPrivateData) {
  Region r = prog_->one("private_anon");
  json m = holder(detail("Private Data"), r.address, r.size);
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m["perms"], "rw-p");
  EXPECT_GE(m["rss"].get<uint64_t>(), r.size);
}

TEST_F(VmmapOnMemKinds, SharedAnonymousMappingIsShareable) {
  Region r = prog_->one("shared_anon");
  EXPECT_FALSE(holder(detail("Shareable"), r.address, r.size).is_null());
}

TEST_F(VmmapOnMemKinds, FileMappingIsMappedFile) {
  Region r = prog_->one("file_map");
  json m = holder(detail("mapped-file"), r.address, r.size);
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m["path"], r.path);
}

TEST_F(VmmapOnMemKinds, ProtNoneReservationIsReserved) {
  Region r = prog_->one("reserved");
  json m = holder(detail("Reserved"), r.address, r.size);
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m["committed"].get<uint64_t>(), 0u);
}

TEST_F(VmmapOnMemKinds, ThreadStacksAreStack) {
  json stacks = detail("Stack");
  auto threads = prog_->all("thread_stack");
  ASSERT_EQ(threads.size(), 2u);
  for (const Region& r : threads) {
    json m = holder(stacks, r.address, r.size);
    ASSERT_FALSE(m.is_null()) << std::hex << r.address;
    EXPECT_NE(m["label"].get<std::string>().find("thread"), std::string::npos) << m["label"];
  }
  bool main_stack = false;
  for (const auto& m : stacks["mappings"]) main_stack |= m["path"] == "[stack]";
  EXPECT_TRUE(main_stack);
}

TEST_F(VmmapOnMemKinds, HeapHoldsBrkArenasAndMmappedChunks) {
  json heap = detail("Heap");
  Region small = prog_->one("small_blocks");
  json brk = holder(heap, small.address, 64);
  ASSERT_FALSE(brk.is_null());
  EXPECT_EQ(brk["path"], "[heap]");
  Region big = prog_->one("big_block");
  json chunk = holder(heap, big.address, big.size);
  ASSERT_FALSE(chunk.is_null());
  EXPECT_NE(chunk["label"].get<std::string>().find("mmapped chunk"), std::string::npos);
  for (const Region& b : prog_->all("thread_block")) {
    json arena = holder(heap, b.address, b.size);
    ASSERT_FALSE(arena.is_null()) << std::hex << b.address;
    EXPECT_NE(arena["label"].get<std::string>().find("arena"), std::string::npos);
  }
}

TEST_F(VmmapOnMemKinds, ExecutableIsImage) {
  bool found = false;
  // Held in a variable: a range-for over a member of a temporary would read freed memory.
  json image = detail("Image");
  for (const auto& m : image["mappings"]) {
    std::string path = m["path"];
    found |= path.size() >= 13 && path.compare(path.size() - 13, 13, "prog_memkinds") == 0;
  }
  EXPECT_TRUE(found) << image.dump(1).substr(0, 3000);
}

TEST_F(VmmapOnMemKinds, TextTableAndBase) {
  std::string pid = std::to_string(prog_->pid());
  e2e::Result r = e2e::run({e2e::leakdbg(), "vmmap", pid, "--detail", "heap"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* word :
       {"Private Data", "Mapped File", "Page Table", "Largest", "Total", "Private Bytes", "[heap]"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
  json diff = vmmap({pid, "--base", pid, "--json"});
  ASSERT_EQ(diff["changes"].size(), 8u);
  EXPECT_TRUE(diff["private_growth"]["text"].get<std::string>().rfind("private ", 0) == 0);
  EXPECT_EQ(diff["changes"][0]["size"].get<int64_t>(), 0) << "the images did not change";
}

TEST(VmmapErrors, GoneProcessIsOneClearLine) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  e2e::Result r = e2e::run({e2e::leakdbg(), "vmmap", std::to_string(child)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err, "leakdbg: process " + std::to_string(child) + ": no such process\n");
  EXPECT_TRUE(r.out.empty());
}

TEST(VmmapErrors, UnknownTypeAndBadFile) {
  e2e::Result r =
      e2e::run({e2e::leakdbg(), "vmmap", std::to_string(getpid()), "--detail", "heaps"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--detail heaps: unknown type"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  std::string missing = e2e::scratch_dir("vmmap-errors") + "/nothing.ldsnap";
  r = e2e::run({e2e::leakdbg(), "vmmap", missing});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// Another user's process: run leakdbg as nobody against this (root's) process, or, when
// not root, against init.
TEST(VmmapErrors, UnreadableProcessIsOneClearLine) {
  bool root = geteuid() == 0;
  std::string target = root ? std::to_string(getpid()) : "1";
  int err_pipe[2];
  ASSERT_EQ(pipe(err_pipe), 0);
  pid_t child = fork();
  if (child == 0) {
    dup2(err_pipe[1], 2);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    if (root && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(126);
    std::string bin = e2e::leakdbg();
    execl(bin.c_str(), bin.c_str(), "vmmap", target.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err_pipe[1]);
  std::string err;
  char buf[4096];
  ssize_t n;
  while ((n = read(err_pipe[0], buf, sizeof buf)) > 0) err.append(buf, static_cast<size_t>(n));
  close(err_pipe[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127)
    GTEST_SKIP() << "cannot run as another user here";
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_NE(err.find("leakdbg: process " + target + ": cannot read /proc/" + target),
            std::string::npos)
      << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

}  // namespace
