#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>

#include "fixture_support.h"
#include "symbolize/symbolizer.h"

namespace leakdbg {
namespace {

Block block_holding(const void* bytes, size_t size) {
  Block block;
  block.size = size;
  block.flags = leakdbg::kBlockContentValid;
  std::memcpy(block.content, bytes, std::min(size, sizeof block.content));
  return block;
}

Block block_with_word(uint64_t word) {
  uint64_t first_bytes[2] = {word, 0};
  Block block = block_holding(first_bytes, sizeof first_bytes);
  block.size = 32;
  return block;
}

class TypeHint : public ::testing::Test {
 protected:
  void SetUp() override {
    handle_ = dlopen(SYMFIXTURE_DWARF5, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    model_ = symtest::model_of_this_process();
    SymbolizerOptions options;
    options.warn = false;
    symbolizer_ = std::make_unique<Symbolizer>(model_, options);
  }
  void TearDown() override {
    symbolizer_.reset();
    if (handle_) dlclose(handle_);
  }
  std::string hint(const Block& block) { return type_hint(block, *symbolizer_, model_); }

  void* handle_ = nullptr;
  HeapModel model_;
  std::unique_ptr<Symbolizer> symbolizer_;
};

TEST_F(TypeHint, PolymorphicObjectNamesItsClass) {
  auto make = reinterpret_cast<void* (*)()>(dlsym(handle_, "fixture_make_widget"));
  auto destroy = reinterpret_cast<void (*)(void*)>(dlsym(handle_, "fixture_free_widget"));
  ASSERT_TRUE(make && destroy);
  void* widget = make();
  Block block = block_holding(widget, 16);
  destroy(widget);
  EXPECT_EQ(hint(block), "fixture::Widget");
}

TEST_F(TypeHint, PointerToGlobalNamesModuleAndSymbol) {
  auto table = reinterpret_cast<uint64_t>(dlsym(handle_, "fixture_global_table"));
  ASSERT_NE(table, 0u);
  EXPECT_EQ(hint(block_with_word(table)), "libsymfixture_dwarf5.so!fixture_global_table");
  EXPECT_EQ(hint(block_with_word(table + 8)), "libsymfixture_dwarf5.so!fixture_global_table+0x8");
}

TEST_F(TypeHint, PointerIntoVtableButNotAtVptrIsASymbol) {
  auto make = reinterpret_cast<void* (*)()>(dlsym(handle_, "fixture_make_widget"));
  auto destroy = reinterpret_cast<void (*)(void*)>(dlsym(handle_, "fixture_free_widget"));
  void* widget = make();
  uint64_t vptr = 0;
  std::memcpy(&vptr, widget, sizeof vptr);
  destroy(widget);
  EXPECT_EQ(hint(block_with_word(vptr - 16)), "libsymfixture_dwarf5.so!vtable for fixture::Widget");
}

TEST_F(TypeHint, TextIsPrintable) {
  const char text[] = "host=example.org";
  EXPECT_EQ(hint(block_holding(text, sizeof text)), "printable \"host=example.org\"");
  const char short_text[] = "key\0\0\0\0\0";
  EXPECT_EQ(hint(block_holding(short_text, 8)), "");
  const char quoted[] = "a \"b\"\n";
  EXPECT_EQ(hint(block_holding(quoted, sizeof quoted)), "printable \"a \\\"b\\\"\\n\"");
}

TEST_F(TypeHint, NothingForDataOrMissingContent) {
  const unsigned char binary[16] = {0xc0, 0xa2, 0x55, 0x55, 0x55, 0x55, 0, 0, 1, 2, 3};
  EXPECT_EQ(hint(block_holding(binary, 16)), "");
  Block absent = block_holding("host=example.org", 16);
  absent.flags = 0;
  EXPECT_EQ(hint(absent), "");
  EXPECT_EQ(hint(block_with_word(0)), "");
}

}  // namespace
}  // namespace leakdbg
