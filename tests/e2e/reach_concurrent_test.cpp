// Reachability while threads run: tests/programs/prog_reach_threads.cpp keeps every block
// of two sizes held at every instant while eight threads pass them through registers,
// stack frames and a shared mailbox; snapshots with reachability every 100 ms must class
// every one of them reachable (a false "unreachable" is the worst error the scan can make).
#include <gtest/gtest.h>

#include <string>

#include "e2e_util.h"

namespace {

TEST(ReachConcurrent, HeldBlocksAreNeverUnreachable) {
  std::string dir = e2e::scratch_dir("reach-concurrent");
  e2e::Result r = e2e::run({e2e::bin("prog_reach_threads"), "--seconds", "3"},
                           {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir,
                            "LEAKDBG_INTERVAL=0.1", "LEAKDBG_REACHABILITY=all"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  size_t classified = 0, checked = 0;
  for (const std::string& snapshot : e2e::files_in(dir)) {
    if (snapshot.find("-interval.ldsnap") == std::string::npos) continue;
    nlohmann::json info = e2e::info(snapshot);
    ASSERT_TRUE(info["reachability"].is_object()) << snapshot;
    if (info["reachability"]["status"] != "complete") continue;  // skipped, never wrong
    ++classified;
    e2e::Result listed = e2e::run(
        {e2e::leakdbg(), "blocks", snapshot, "--range", "1040", "1553", "--limit", "0", "--json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const nlohmann::json listing = e2e::json_of(listed);
    for (const auto& block : listing["blocks"]) {
      const uint64_t size = block["size"].get<uint64_t>();
      if (size != 1040 && size != 1552) continue;
      ++checked;
      EXPECT_EQ(block["class"], "reachable")
          << snapshot << " block " << block["address"] << " of " << size << " bytes";
    }
  }
  EXPECT_GE(classified, 5u) << "too few snapshots were classified to say anything";
  EXPECT_GT(checked, 100u);
}

}  // namespace
