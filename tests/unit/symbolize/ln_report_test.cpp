#include "symbolize/ln_report.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include "fixture_support.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg {
namespace {

class LnReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handle_ = dlopen(SYMFIXTURE_DWARF5, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    outer_return_ = reinterpret_cast<uint64_t>(call("fixture_outer"));
    outer_start_ = reinterpret_cast<uint64_t>(call("fixture_outer_start"));
    model_ = symtest::model_of_this_process();
    model_.stacks.push_back({1, {outer_return_}, {}});
    SymbolizerOptions options;
    options.warn = false;
    symbolizer_ = std::make_unique<Symbolizer>(model_, options);
  }
  void* call(const char* name) {
    auto fn = reinterpret_cast<void* (*)()>(dlsym(handle_, name));
    return fn ? fn() : nullptr;
  }

  void* handle_ = nullptr;
  uint64_t outer_return_ = 0, outer_start_ = 0;
  HeapModel model_;
  std::unique_ptr<Symbolizer> symbolizer_;
};

TEST_F(LnReportTest, ReturnAddressOfAStackNamesTheCallLine) {
  LnReport report = ln_report(model_, *symbolizer_, outer_return_, false);
  EXPECT_TRUE(report.return_address);
  ASSERT_TRUE(report.symbol.has_value());
  EXPECT_EQ(report.frames.size(), 3u);
  std::string text = ln_text(report);
  std::string leaf_line = std::to_string(symtest::marked_line(SYMFIXTURE_LIB_SOURCE, "leaf_call"));
  std::string expected_start = "[" + report.symbol->file + " @ " + leaf_line + "] (" +
                               format_hex(outer_start_) +
                               ") libsymfixture_dwarf5.so!fixture_outer+" +
                               format_hex(outer_return_ - outer_start_) + " | (";
  EXPECT_EQ(text.rfind(expected_start, 0), 0u) << text;
  EXPECT_NE(text.find("Inline frames at this address"), std::string::npos) << text;
  EXPECT_EQ(text.find("Exact matches:"), std::string::npos) << text;

  auto json = ln_json(report);
  EXPECT_EQ(json["function"], "fixture_outer");
  EXPECT_EQ(json["line"], std::stoi(leaf_line));
  EXPECT_EQ(json["return_address"], true);
  EXPECT_EQ(json["frames"].size(), 3u);
  EXPECT_TRUE(json["next"].is_object());
}

TEST_F(LnReportTest, ExactSymbolStartListsExactMatches) {
  LnReport report = ln_report(model_, *symbolizer_, outer_start_, false);
  EXPECT_FALSE(report.return_address);
  std::string text = ln_text(report);
  EXPECT_NE(text.find("libsymfixture_dwarf5.so!fixture_outer | ("), std::string::npos) << text;
  EXPECT_NE(text.find("Exact matches:\n    libsymfixture_dwarf5.so!fixture_outer\n"),
            std::string::npos)
      << text;
}

TEST_F(LnReportTest, ExactFlagLooksUpTheAddressItself) {
  LnReport report = ln_report(model_, *symbolizer_, outer_return_, true);
  EXPECT_FALSE(report.return_address);
  ASSERT_TRUE(report.symbol.has_value());
  EXPECT_EQ(report.symbol->name, "fixture_outer");
}

TEST_F(LnReportTest, AddressOutsideModulesIsOneError) {
  try {
    ln_report(model_, *symbolizer_, 0x10, false);
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("0x10: not in any module"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
}

TEST_F(LnReportTest, ModuleWithoutSymbolsGivesModuleOffset) {
  for (auto& module : model_.modules)
    if (symtest::ends_with(module.path, "/libsymfixture_dwarf5.so"))
      module.path = "/gone/libsymfixture_dwarf5.so";
  SymbolizerOptions options;
  options.warn = false;
  Symbolizer symbolizer(model_, options);
  LnReport report = ln_report(model_, symbolizer, outer_start_, false);
  EXPECT_FALSE(report.symbol.has_value());
  EXPECT_EQ(ln_text(report).rfind("libsymfixture_dwarf5.so+0x", 0), 0u) << ln_text(report);
  EXPECT_EQ(ln_json(report)["function"], "");
}

}  // namespace
}  // namespace leakdbg
