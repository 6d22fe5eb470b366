// Source positions that can be trusted: a line only inside a unit's or function's ranges, an
// inlined frame's offset counted from its own entry, and short names in frame text.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "e2e_util.h"
#include "fixture_support.h"
#include "symbolize/frame_render.h"
#include "symbolize/proc_modules.h"
#include "symbolize/symbolizer.h"

namespace leakdbg {
namespace {

using symtest::marked_line;

SymbolizerOptions quiet() {
  SymbolizerOptions options;
  options.warn = false;
  return options;
}

// The value of `symbol` in the file's symbol table, as nm prints it.
uint64_t symbol_value(const std::string& file, const std::string& symbol) {
  e2e::Result nm = e2e::run({SYMFIXTURE_NM, file});
  EXPECT_EQ(nm.exit_code, 0) << nm.err;
  std::istringstream lines(nm.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string value, type, name;
    // Undefined symbols have no value: two fields only.
    if (fields >> value >> type >> name && name == symbol) return std::stoull(value, nullptr, 16);
  }
  ADD_FAILURE() << symbol << " not in " << file;
  return 0;
}

// _start comes from the C runtime's start files, which carry no debug information: libdw
// still answers the nearest line below (the end of some unit), which is not where _start is.
TEST(SourceLines, AddressOutsideEveryUnitHasNoLine) {
  e2e::Result run = e2e::run({SYMFIXTURE_PROG});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  size_t newline = run.out.find('\n');
  ASSERT_NE(newline, std::string::npos);
  std::string executable = std::filesystem::canonical(SYMFIXTURE_PROG).string();
  HeapModel model;
  model.modules = modules_from_maps(parse_maps(run.out.substr(newline + 1)), executable);
  Module* main = symtest::module_named(model, "symfixture_prog");
  ASSERT_NE(main, nullptr);

  Symbolizer symbolizer(model, quiet());
  const uint64_t start = main->load_bias + symbol_value(SYMFIXTURE_PROG, "_start");
  const auto& frames = symbolizer.frames_at(start + 0x21, true);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "_start");
  EXPECT_EQ(frames[0].offset, 0x21u);
  EXPECT_EQ(frames[0].file, "") << frames[0].file << ":" << frames[0].line;
  EXPECT_EQ(frames[0].line, 0u);
  EXPECT_EQ(frame_to_text(frames[0]), "symfixture_prog!_start+0x21");

  // An address inside a unit still has its line.
  uint64_t address = std::stoull(run.out.substr(0, newline), nullptr, 16);
  const auto& inside = symbolizer.frames_at(address);
  ASSERT_FALSE(inside.empty());
  EXPECT_EQ(inside.front().line, marked_line(SYMFIXTURE_PROG_SOURCE, "prog_leaf_call"));
}

// Modules whose frames stay module+offset are data the renderers can name.
TEST(SourceLines, ModulesWithoutSymbolsAreReportedAsData) {
  HeapModel model;
  Module relative;
  relative.path = "./libplugin.so";
  relative.load_bias = 0x7f0000000000;
  relative.segments.push_back({0x7f0000001000, 0x7f0000002000, 0x1000, 5});
  Module missing = relative;
  missing.path = "/nonexistent/libgone.so";
  missing.load_bias = 0x7f1000000000;
  missing.segments = {{0x7f1000001000, 0x7f1000002000, 0x1000, 5}};
  model.modules = {relative, missing};
  Symbolizer symbolizer(model, quiet());
  const auto& frames = symbolizer.frames_at(0x7f00000010a8, true);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frame_to_text(frames[0]), "libplugin.so+0x10a8");
  symbolizer.frames_at(0x7f1000001010, true);
  symbolizer.frames_at(0x7f1000001020, true);  // a module is reported once
  const auto& problems = symbolizer.module_problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].path, "./libplugin.so");
  EXPECT_EQ(problems[0].kind, ModuleProblem::Kind::kRelativePath);
  EXPECT_EQ(problems[1].path, "/nonexistent/libgone.so");
  EXPECT_EQ(problems[1].kind, ModuleProblem::Kind::kNotFound);
  EXPECT_NE(module_problem_text(problems[1], "").find("not found"), std::string::npos);
}

class SourceLinesInFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(SourceLinesInFixture, InlinedFramesCountTheirOffsetFromTheirOwnEntry) {
  void* handle = dlopen(GetParam(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto late = reinterpret_cast<void* (*)(int)>(dlsym(handle, "fixture_late_inline"));
  ASSERT_NE(late, nullptr);
  const uint64_t start = reinterpret_cast<uint64_t>(dlsym(handle, "fixture_late_inline"));
  const uint64_t address = reinterpret_cast<uint64_t>(late(3));

  HeapModel model = symtest::model_of_this_process();
  Symbolizer symbolizer(model, quiet());
  const auto& frames = symbolizer.frames_at(address);
  ASSERT_EQ(frames.size(), 3u);
  ASSERT_TRUE(frames[0].inlined);
  ASSERT_TRUE(frames[1].inlined);
  ASSERT_FALSE(frames[2].inlined);
  EXPECT_EQ(frames[2].offset, address - start);
  EXPECT_EQ(frames[2].line, marked_line(SYMFIXTURE_LIB_SOURCE, "late_call"));
  // The expansions start after the loop: their offsets are their own, smaller than the
  // function's, the inner one no larger than the outer one.
  EXPECT_LT(frames[1].offset, frames[2].offset);
  EXPECT_LE(frames[0].offset, frames[1].offset);
  EXPECT_GT(frames[0].offset, 0u);
  std::string text = frame_to_text(frames[0]);
  std::ostringstream expected_offset;
  expected_offset << "+0x" << std::hex << frames[0].offset << "  ";
  EXPECT_NE(text.find(expected_offset.str()), std::string::npos) << text;
  EXPECT_NE(text.find("[inlined]"), std::string::npos) << text;
}

TEST_P(SourceLinesInFixture, FrameTextShortensAndJsonKeepsBoth) {
  void* handle = dlopen(GetParam(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto parse = reinterpret_cast<void* (*)()>(dlsym(handle, "fixture_parse"));
  ASSERT_NE(parse, nullptr);
  HeapModel model = symtest::model_of_this_process();
  Symbolizer symbolizer(model, quiet());
  const auto& frames = symbolizer.frames_at(reinterpret_cast<uint64_t>(parse()));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function, "fixture::Parser::parse_line(char const*)");
  EXPECT_FALSE(frames[0].overloaded);
  EXPECT_EQ(function_text(frames[0]), "fixture::Parser::parse_line");
  auto json = frame_to_json(frames[0]);
  EXPECT_EQ(json["function"], "fixture::Parser::parse_line(char const*)");
  EXPECT_EQ(json["short_function"], "fixture::Parser::parse_line");
  set_full_function_names(true);
  EXPECT_EQ(function_text(frames[0]), "fixture::Parser::parse_line(char const*)");
  set_full_function_names(false);
}

TEST_P(SourceLinesInFixture, OverloadedFunctionsKeepTheirParameters) {
  void* handle = dlopen(GetParam(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto call = reinterpret_cast<void* (*)()>(dlsym(handle, "fixture_overloaded"));
  ASSERT_NE(call, nullptr);
  HeapModel model = symtest::model_of_this_process();
  Symbolizer symbolizer(model, quiet());
  const auto& frames = symbolizer.frames_at(reinterpret_cast<uint64_t>(call()));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].line, marked_line(SYMFIXTURE_LIB_SOURCE, "overload_int_call"));
  EXPECT_TRUE(frames[0].overloaded);
  EXPECT_EQ(function_text(frames[0]), "fixture::overloaded_call(int)");
}

INSTANTIATE_TEST_SUITE_P(Symbolizer, SourceLinesInFixture,
                         ::testing::Values(SYMFIXTURE_DWARF4, SYMFIXTURE_DWARF5));

}  // namespace
}  // namespace leakdbg
