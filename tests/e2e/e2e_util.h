// Helpers for every test that runs a built program: run a command and capture its output,
// start one in the background, find the built binaries and the tracker, make a scratch
// folder, read snapshots back through `leakdbg info`.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace e2e {

struct Result {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out, err;
};

// Runs argv (no shell) with optional extra environment "K=V" entries; waits for it.
Result run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
           double timeout_seconds = 120);
// As run, with standard input read from the file at stdin_path ("/dev/null" for none).
Result run_with_input(const std::vector<std::string>& argv, const std::string& stdin_path);
// Starts argv (no shell) with the extra environment and returns at once: its pid, or -1.
// Its output goes where this process's does; the caller waits for it.
pid_t start(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

std::string bin(const std::string& name);  // path of a built executable in bin/
std::string leakdbg();                     // bin("leakdbg")
// The built libleakdbg.so, where `leakdbg run` finds it.
std::string tracker_library();
std::string scratch_dir(const std::string& tag);  // fresh empty directory under the build tree
// The files of a directory, full paths sorted by name (snapshot names are numbered);
// empty if the directory is missing.
std::vector<std::string> files_in(const std::string& dir);

// Parses r.out, failing the test on bad JSON.
nlohmann::json json_of(const Result& r);
// `leakdbg info --json SNAPSHOT`, failing the test unless it succeeds.
nlohmann::json info(const std::string& snapshot);

// `leakdbg analyze` of a snapshot folder, as JSON and as text, failing the test unless both
// succeed.
struct Analysis {
  nlohmann::json report;
  std::string text;
};
Analysis analyze(const std::string& dir);

}  // namespace e2e
