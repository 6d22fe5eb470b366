#include "symbolize/symbolizer.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "e2e_util.h"
#include "fixture_support.h"
#include "symbolize/elf_info.h"
#include "symbolize/proc_modules.h"

namespace leakdbg {
namespace {

using symtest::ends_with;
using symtest::marked_line;

// One loaded fixture library and the addresses its functions report.
struct LoadedFixture {
  std::string path, file_name;
  void* handle = nullptr;
  uint64_t outer_return = 0;  // return address inside fixture_outer, two inline levels deep
  uint64_t outer_start = 0;
  uint64_t parse_return = 0;  // return address inside fixture::Parser::parse_line

  explicit LoadedFixture(const std::string& library) : path(library) {
    file_name = std::filesystem::path(library).filename().string();
    handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return;
    auto call = [this](const char* name) {
      auto fn = reinterpret_cast<void* (*)()>(dlsym(handle, name));
      return fn ? reinterpret_cast<uint64_t>(fn()) : 0;
    };
    outer_return = call("fixture_outer");
    outer_start = call("fixture_outer_start");
    parse_return = call("fixture_parse");
  }
};

const LoadedFixture& fixture(const std::string& library) {
  static std::map<std::string, std::unique_ptr<LoadedFixture>> loaded;
  auto& slot = loaded[library];
  if (!slot) slot = std::make_unique<LoadedFixture>(library);
  return *slot;
}

SymbolizerOptions quiet() {
  SymbolizerOptions options;
  options.warn = false;
  return options;
}

// The three frames at fixture_outer's return address: two inline levels, then the function.
void expect_outer_frames(const std::vector<SymbolicFrame>& frames, const LoadedFixture& f) {
  ASSERT_EQ(frames.size(), 3u);
  const std::string source = SYMFIXTURE_LIB_SOURCE;
  EXPECT_NE(frames[0].function.find("inlined_leaf"), std::string::npos) << frames[0].function;
  EXPECT_TRUE(frames[0].inlined);
  EXPECT_TRUE(ends_with(frames[0].file, "fixture_lib.cpp")) << frames[0].file;
  EXPECT_EQ(frames[0].line, marked_line(source, "leaf_call"));
  EXPECT_NE(frames[1].function.find("inlined_middle"), std::string::npos) << frames[1].function;
  EXPECT_TRUE(frames[1].inlined);
  EXPECT_EQ(frames[1].line, marked_line(source, "middle_call"));
  EXPECT_EQ(frames[2].function, "fixture_outer");
  EXPECT_FALSE(frames[2].inlined);
  EXPECT_EQ(frames[2].line, marked_line(source, "outer_call"));
  EXPECT_TRUE(ends_with(frames[2].file, "fixture_lib.cpp"));
  EXPECT_EQ(frames[2].offset, f.outer_return - f.outer_start);
  for (const auto& frame : frames) {
    EXPECT_EQ(frame.address, f.outer_return);
    EXPECT_EQ(frame.module, f.file_name);
  }
}

class DwarfVersions : public ::testing::TestWithParam<const char*> {};

TEST_P(DwarfVersions, InlineFramesWithCallSites) {
  const auto& f = fixture(GetParam());
  ASSERT_NE(f.handle, nullptr) << dlerror();
  HeapModel model = symtest::model_of_this_process();
  Symbolizer symbolizer(model, quiet());
  expect_outer_frames(symbolizer.frames_at(f.outer_return), f);
}

TEST_P(DwarfVersions, DemangledMemberFunction) {
  const auto& f = fixture(GetParam());
  ASSERT_NE(f.handle, nullptr) << dlerror();
  HeapModel model = symtest::model_of_this_process();
  Symbolizer symbolizer(model, quiet());
  const auto& frames = symbolizer.frames_at(f.parse_return);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "fixture::Parser::parse_line(char const*)");
  EXPECT_EQ(frames[0].line, marked_line(SYMFIXTURE_LIB_SOURCE, "parse_call"));
  EXPECT_FALSE(frames[0].inlined);
}

INSTANTIATE_TEST_SUITE_P(Symbolizer, DwarfVersions,
                         ::testing::Values(SYMFIXTURE_DWARF4, SYMFIXTURE_DWARF5));

TEST(Symbolizer, StackFramesInnermostFirstAndCached) {
  const auto& f = fixture(SYMFIXTURE_DWARF5);
  HeapModel model = symtest::model_of_this_process();
  model.stacks.push_back({1, {f.parse_return, f.outer_return}, {}});
  model.stacks.push_back({4, {f.outer_return}, {}});
  Symbolizer symbolizer(model, quiet());
  auto frames = symbolizer.frames_of(1u);
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0].function, "fixture::Parser::parse_line(char const*)");
  EXPECT_TRUE(frames[1].inlined);
  EXPECT_EQ(frames[3].function, "fixture_outer");
  EXPECT_EQ(symbolizer.frames_of(4u).size(), 3u);
  EXPECT_TRUE(symbolizer.frames_of(2u).empty());
  EXPECT_TRUE(symbolizer.frames_of(0u).empty());
  // The per-address cache hands out the same frames.
  EXPECT_EQ(&symbolizer.frames_at(f.outer_return), &symbolizer.frames_at(f.outer_return));
}

TEST(Symbolizer, StacksWithSymbolsPassThrough) {
  HeapModel model;
  SymbolicFrame imported;
  imported.module = "Plugin";
  imported.function = "CRuleSet::LoadRules";
  model.stacks.push_back({1, {}, {imported}});
  Symbolizer symbolizer(model, quiet());
  auto frames = symbolizer.frames_of(1u);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "CRuleSet::LoadRules");
}

TEST(Symbolizer, ExactAddressAndNearestSymbols) {
  const auto& f = fixture(SYMFIXTURE_DWARF5);
  HeapModel model = symtest::model_of_this_process();
  Symbolizer symbolizer(model, quiet());
  const auto& at_start = symbolizer.frames_at(f.outer_start, false);
  ASSERT_FALSE(at_start.empty());
  EXPECT_EQ(at_start.back().function, "fixture_outer");
  EXPECT_EQ(at_start.back().offset, 0u);

  auto nearest = symbolizer.nearest_symbol(f.outer_return, true);
  ASSERT_TRUE(nearest.has_value());
  EXPECT_EQ(nearest->name, "fixture_outer");
  EXPECT_EQ(nearest->start, f.outer_start);
  EXPECT_EQ(nearest->module, f.file_name);
  EXPECT_EQ(nearest->line, marked_line(SYMFIXTURE_LIB_SOURCE, "leaf_call"));
  EXPECT_EQ(nearest->inline_chain.size(), 3u);
  ASSERT_TRUE(nearest->next.has_value());
  EXPECT_GT(nearest->next->second, f.outer_start);

  auto exact = symbolizer.symbols_at(f.outer_start);
  EXPECT_NE(std::find(exact.begin(), exact.end(), "fixture_outer"), exact.end());
  EXPECT_TRUE(symbolizer.symbols_at(f.outer_start + 1).empty());
}

TEST(Symbolizer, AddressOutsideEveryModule) {
  HeapModel model = symtest::model_of_this_process();
  Symbolizer symbolizer(model, quiet());
  const auto& frames = symbolizer.frames_at(0x10);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].address, 0x10u);
  EXPECT_TRUE(frames[0].module.empty());
  EXPECT_TRUE(frames[0].function.empty());
  EXPECT_FALSE(symbolizer.nearest_symbol(0x10).has_value());
}

// A copy of the fixture library somewhere else, with the module list pointing at it.
struct MovedCopy {
  HeapModel model = symtest::model_of_this_process();
  Module* module = nullptr;
  std::string dir, copy;

  MovedCopy(const LoadedFixture& f, const std::string& tag) {
    module = symtest::module_named(model, f.file_name);
    dir = symtest::scratch_dir(tag);
    copy = dir + "/" + f.file_name;
    if (module) symtest::copy_file(f.path, copy);
  }
};

TEST(Symbolizer, StrippedObjectFallsBackToSymbolTable) {
  const auto& f = fixture(SYMFIXTURE_DWARF5);
  MovedCopy moved(f, "stripped");
  ASSERT_NE(moved.module, nullptr);
  symtest::run_or_fail(std::string(SYMFIXTURE_STRIP) + " --strip-all " + moved.copy);
  moved.module->path = moved.copy;
  Symbolizer symbolizer(moved.model, quiet());
  const auto& frames = symbolizer.frames_at(f.outer_return);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "fixture_outer");  // from .dynsym
  EXPECT_TRUE(frames[0].file.empty());
  EXPECT_EQ(frames[0].offset, f.outer_return - f.outer_start);
}

TEST(Symbolizer, SeparateDebugFileByBuildId) {
  const auto& f = fixture(SYMFIXTURE_DWARF5);
  MovedCopy moved(f, "buildid");
  ASSERT_NE(moved.module, nullptr);
  std::string id = to_hex(moved.module->build_id);
  ASSERT_GT(id.size(), 2u);
  std::string debug_root = moved.dir + "/debug";
  std::string debug_file =
      debug_root + "/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug";
  std::filesystem::create_directories(std::filesystem::path(debug_file).parent_path());
  symtest::run_or_fail(std::string(SYMFIXTURE_OBJCOPY) + " --only-keep-debug " + f.path + " " +
                       debug_file);
  symtest::run_or_fail(std::string(SYMFIXTURE_STRIP) + " --strip-all " + moved.copy);
  moved.module->path = moved.copy;

  Symbolizer without(moved.model, quiet());
  EXPECT_EQ(without.frames_at(f.outer_return).size(), 1u);  // symbol table only

  SymbolizerOptions options = quiet();
  options.debug_dirs = {debug_root};
  Symbolizer with(moved.model, options);
  expect_outer_frames(with.frames_at(f.outer_return), f);
}

TEST(Symbolizer, SeparateDebugFileByDebuglink) {
  const auto& f = fixture(SYMFIXTURE_DWARF4);
  MovedCopy moved(f, "debuglink");
  ASSERT_NE(moved.module, nullptr);
  std::string debug_file = moved.dir + "/" + f.file_name + ".dbg";
  symtest::run_or_fail(std::string(SYMFIXTURE_OBJCOPY) + " --only-keep-debug " + f.path + " " +
                       debug_file);
  symtest::run_or_fail(std::string(SYMFIXTURE_STRIP) + " --strip-debug " + moved.copy);
  symtest::run_or_fail("cd " + moved.dir + " && " + SYMFIXTURE_OBJCOPY +
                       " --add-gnu-debuglink=" + f.file_name + ".dbg " + moved.copy);
  moved.module->path = moved.copy;
  Symbolizer symbolizer(moved.model, quiet());
  expect_outer_frames(symbolizer.frames_at(f.outer_return), f);
}

TEST(Symbolizer, SysrootFindsMovedBinary) {
  const auto& f = fixture(SYMFIXTURE_DWARF5);
  HeapModel model = symtest::model_of_this_process();
  Module* module = symtest::module_named(model, f.file_name);
  ASSERT_NE(module, nullptr);
  std::string sysroot = symtest::scratch_dir("sysroot");
  module->path = "/opt/gone/lib/" + f.file_name;
  symtest::copy_file(f.path, sysroot + module->path);
  SymbolizerOptions options = quiet();
  options.sysroot = sysroot;
  Symbolizer symbolizer(model, options);
  expect_outer_frames(symbolizer.frames_at(f.outer_return), f);
}

TEST(Symbolizer, MismatchedBuildIdWarnsOnceAndGivesOffsetsOnly) {
  const auto& f = fixture(SYMFIXTURE_DWARF5);
  HeapModel model = symtest::model_of_this_process();
  Module* module = symtest::module_named(model, f.file_name);
  ASSERT_NE(module, nullptr);
  ASSERT_FALSE(module->build_id.empty());
  module->path =
      SYMFIXTURE_OTHERID;  // same code, rebuilt: lines would look right but are not trusted
  Symbolizer symbolizer(model);
  ::testing::internal::CaptureStderr();
  auto outer = symbolizer.frames_at(f.outer_return);
  auto parse = symbolizer.frames_at(f.parse_return);
  std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(warnings.rfind("leakdbg: warning: ", 0), 0u) << warnings;
  EXPECT_NE(warnings.find("build-id"), std::string::npos) << warnings;
  EXPECT_EQ(std::count(warnings.begin(), warnings.end(), '\n'), 1) << warnings;
  ASSERT_EQ(outer.size(), 1u);
  EXPECT_EQ(outer[0].module, "libsymfixture_otherid.so");
  EXPECT_TRUE(outer[0].function.empty());
  EXPECT_TRUE(outer[0].file.empty());
  EXPECT_EQ(outer[0].line, 0u);
  EXPECT_EQ(outer[0].offset, f.outer_return - module->load_bias);
  ASSERT_EQ(parse.size(), 1u);
  EXPECT_TRUE(parse[0].function.empty());
  EXPECT_FALSE(symbolizer.nearest_symbol(f.outer_start).has_value());
}

TEST(Symbolizer, MissingFileGivesModuleOffset) {
  const auto& f = fixture(SYMFIXTURE_DWARF5);
  HeapModel model = symtest::model_of_this_process();
  Module* module = symtest::module_named(model, f.file_name);
  ASSERT_NE(module, nullptr);
  module->path = "/nonexistent/dir/" + f.file_name;
  Symbolizer symbolizer(model);
  ::testing::internal::CaptureStderr();
  const auto& frames = symbolizer.frames_at(f.outer_return);
  std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(warnings.find("not found"), std::string::npos) << warnings;
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].module, f.file_name);
  EXPECT_EQ(frames[0].offset, f.outer_return - module->load_bias);
}

// A PIE executable that has exited: its module list comes from the maps it printed.
TEST(Symbolizer, PieExecutableOfExitedProcess) {
  e2e::Result run = e2e::run({SYMFIXTURE_PROG});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string& output = run.out;
  size_t newline = output.find('\n');
  ASSERT_NE(newline, std::string::npos);
  uint64_t address = std::stoull(output.substr(0, newline), nullptr, 16);
  std::string executable = std::filesystem::canonical(SYMFIXTURE_PROG).string();
  HeapModel model;
  model.modules = modules_from_maps(parse_maps(output.substr(newline + 1)), executable);
  Module* main = symtest::module_named(model, "symfixture_prog");
  ASSERT_NE(main, nullptr);
  EXPECT_TRUE(main->is_executable);
  EXPECT_NE(main->load_bias, 0u);  // PIE: placed at a random base

  Symbolizer symbolizer(model, quiet());
  const auto& frames = symbolizer.frames_at(address);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_NE(frames[0].function.find("inlined_step"), std::string::npos) << frames[0].function;
  EXPECT_TRUE(frames[0].inlined);
  EXPECT_EQ(frames[0].line, marked_line(SYMFIXTURE_PROG_SOURCE, "prog_leaf_call"));
  EXPECT_NE(frames[1].function.find("run_rounds"), std::string::npos) << frames[1].function;
  EXPECT_FALSE(frames[1].inlined);
  EXPECT_EQ(frames[1].line, marked_line(SYMFIXTURE_PROG_SOURCE, "prog_outer_call"));
  EXPECT_EQ(frames[1].module, "symfixture_prog");
}

}  // namespace
}  // namespace leakdbg
