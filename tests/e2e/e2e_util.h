// Helpers for end-to-end tests: run a command, capture its output, make a scratch folder.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace e2e {

struct Result {
  int exit_code = -1;
  std::string out, err;
};

// Runs argv (no shell) with optional extra environment "K=V" entries; waits for it.
Result run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
           double timeout_seconds = 120);

std::string bin(const std::string& name);  // path of a built executable in bin/
std::string leakdbg();                     // bin("leakdbg")
std::string scratch_dir(const std::string& tag);  // fresh empty directory under the build tree
nlohmann::json json_of(const Result& r);   // parses r.out, failing the test on bad JSON

}  // namespace e2e
