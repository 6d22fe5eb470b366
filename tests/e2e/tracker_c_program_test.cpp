// C programs under the tracker: the tracker adds no block of its own making (the C++ runtime
// it is written in stays out of the target), and a plugin loaded by a relative path keeps
// its symbols wherever the snapshot is read.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "e2e_util.h"

namespace {

std::string exit_snapshot(const std::string& dir) {
  auto paths = e2e::files_in(dir);
  if (paths.empty() || paths.back().find("-exit.ldsnap") == std::string::npos) return "";
  return paths.back();
}

nlohmann::json blocks_of(const std::string& snapshot) {
  e2e::Result r = e2e::run(
      {e2e::leakdbg(), "blocks", snapshot, "--range", "0", "1000000000", "--limit", "0", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return e2e::json_of(r);
}

TEST(TrackerCProgram, ExitSnapshotHoldsExactlyTheProgramsLeaksAndNoCxxRuntime) {
  // The tracker's own dependencies, as the loader resolves them for the target.
  e2e::Result ldd = e2e::run({"/usr/bin/ldd", e2e::tracker_library()});
  ASSERT_EQ(ldd.exit_code, 0) << ldd.err;
  EXPECT_EQ(ldd.out.find("libstdc++"), std::string::npos) << ldd.out;
  // libgcc_s stays: it is the one unwinder that exceptions thrown through the hooks (operator
  // new's bad_alloc) must meet; it has no TLS and allocates nothing, so it adds no block.

  std::string dir = e2e::scratch_dir("c-exact-leaks");
  std::string maps_copy = dir + ".maps";
  e2e::Result run =
      e2e::run({e2e::leakdbg(), "run", "-o", dir, "--", e2e::bin("prog_c_exact_leaks"), maps_copy});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  // What the running program had mapped.
  std::ifstream in(maps_copy);
  std::stringstream maps;
  maps << in.rdbuf();
  ASSERT_NE(maps.str().find("libleakdbg.so"), std::string::npos) << "the tracker was not loaded:\n"
                                                                 << maps.str();
  EXPECT_EQ(maps.str().find("libstdc++"), std::string::npos) << maps.str();

  std::string snapshot = exit_snapshot(dir);
  ASSERT_FALSE(snapshot.empty()) << "no exit snapshot in " << dir;
  nlohmann::json listing = blocks_of(snapshot);
  // 3 x 40 (malloc) + 1000 (calloc) + 300 (realloc) + 6 (strdup); see the program.
  EXPECT_EQ(listing["total"].get<uint64_t>(), 6u) << listing.dump(1);
  EXPECT_EQ(listing["total_bytes"].get<uint64_t>(), 1426u) << listing.dump(1);
}

TEST(TrackerCProgram, PluginLoadedByARelativePathKeepsItsSymbols) {
  std::string dir = e2e::scratch_dir("c-relative-plugin");
  std::string plugin_dir =
      std::filesystem::path(e2e::bin("prog_c_relative_plugin")).parent_path() / "c_plugins";
  e2e::Result run = e2e::run({e2e::leakdbg(), "run", "-o", dir, "--",
                              e2e::bin("prog_c_relative_plugin"), plugin_dir, "40"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::string snapshot = exit_snapshot(dir);
  ASSERT_FALSE(snapshot.empty());

  nlohmann::json info = e2e::info(snapshot);
  bool module_absolute = false;
  for (const auto& module : info["module_list"]) {
    std::string path = module["path"].get<std::string>();
    if (path.find("libc_relative_plugin.so") == std::string::npos) continue;
    EXPECT_EQ(path, plugin_dir + "/libc_relative_plugin.so");
    module_absolute = true;
  }
  EXPECT_TRUE(module_absolute) << info["module_list"].dump(1);

  // Read from a directory where "./libc_relative_plugin.so" does not exist.
  std::string elsewhere = e2e::scratch_dir("c-relative-plugin-elsewhere");
  e2e::Result blocks = e2e::run({"/bin/sh", "-c",
                                 "cd " + elsewhere + " && exec " + e2e::leakdbg() + " blocks " +
                                     snapshot + " --range 0 1000000000 --limit 0 --json"});
  ASSERT_EQ(blocks.exit_code, 0) << blocks.err;
  EXPECT_EQ(blocks.err.find("not found"), std::string::npos) << blocks.err;
  nlohmann::json listing = e2e::json_of(blocks);
  int in_plugin = 0;
  for (const auto& block : listing["blocks"]) {
    const auto& frame = block["frame"];
    if (!frame.is_object() || frame["module"] != "libc_relative_plugin.so") continue;
    EXPECT_NE(frame["file"].get<std::string>().find("c_relative_plugin.c"), std::string::npos)
        << frame.dump();
    EXPECT_GT(frame["line"].get<uint32_t>(), 0u) << frame.dump();
    if (frame["function"] == "copy_record") ++in_plugin;  // the records, not their array
  }
  EXPECT_EQ(in_plugin, 40) << listing.dump(1);

  // `ln` and the prompt's `ln` answer one address with one line.
  std::string address;
  for (const auto& block : listing["blocks"])
    if (block["frame"].is_object() && block["frame"]["function"] == "copy_record")
      address = block["frame"]["address"].get<std::string>();
  ASSERT_FALSE(address.empty());
  e2e::Result ln = e2e::run({e2e::leakdbg(), "ln", snapshot, address});
  ASSERT_EQ(ln.exit_code, 0) << ln.err;
  EXPECT_NE(ln.out.find("c_relative_plugin.c @ "), std::string::npos) << ln.out;
  e2e::Result prompt =
      e2e::run_with_input({e2e::leakdbg(), "open", snapshot, "-c", "ln " + address}, "/dev/null");
  ASSERT_EQ(prompt.exit_code, 0) << prompt.err;
  EXPECT_NE(prompt.out.find(ln.out), std::string::npos) << "ln:\n"
                                                        << ln.out << "prompt:\n"
                                                        << prompt.out;
}

}  // namespace
