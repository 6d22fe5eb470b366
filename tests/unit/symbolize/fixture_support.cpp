#include "fixture_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "symbolize/proc_modules.h"

namespace symtest {

unsigned marked_line(const std::string& source, const std::string& mark) {
  std::ifstream in(source);
  std::string line;
  for (unsigned number = 1; std::getline(in, line); ++number)
    if (line.find("MARK:" + mark) != std::string::npos) return number;
  ADD_FAILURE() << "no MARK:" << mark << " in " << source;
  return 0;
}

std::string scratch_dir(const std::string& tag) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(SYMFIXTURE_SCRATCH) / (tag + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

void run_or_fail(const std::string& command) {
  int status = std::system(command.c_str());
  ASSERT_EQ(status, 0) << command;
}

void copy_file(const std::string& from, const std::string& to) {
  namespace fs = std::filesystem;
  fs::create_directories(fs::path(to).parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

leakdbg::HeapModel model_of_this_process() {
  leakdbg::HeapModel model;
  model.modules = leakdbg::modules_of_process(getpid());
  return model;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

leakdbg::Module* module_named(leakdbg::HeapModel& model, const std::string& file_name) {
  for (auto& module : model.modules)
    if (ends_with(module.path, "/" + file_name)) return &module;
  return nullptr;
}

}  // namespace symtest
