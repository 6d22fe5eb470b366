#include <gtest/gtest.h>

#include "symbolize/symbolizer.h"

namespace leakdbg {
namespace {

SymbolicFrame frame(std::string module, std::string function, std::string file = "") {
  SymbolicFrame f;
  f.module = std::move(module);
  f.function = std::move(function);
  f.file = std::move(file);
  return f;
}

TEST(RuntimeFrame, RuntimeLibrariesAndAllocators) {
  EXPECT_TRUE(is_runtime_frame(frame("libstdc++.so.6", "")));
  EXPECT_TRUE(is_runtime_frame(frame("libc.so.6", "__libc_malloc")));
  EXPECT_TRUE(is_runtime_frame(frame("prog", "operator new(unsigned long)")));
  EXPECT_TRUE(
      is_runtime_frame(frame("prog", "operator new[](unsigned long, std::nothrow_t const&)")));
  EXPECT_TRUE(is_runtime_frame(frame("prog", "malloc")));
  EXPECT_TRUE(is_runtime_frame(frame("prog", "strdup")));
}

TEST(RuntimeFrame, StandardLibraryTemplatesInUserModules) {
  EXPECT_TRUE(is_runtime_frame(
      frame("libplugin.so",
            "void std::vector<int, std::allocator<int> >::_M_realloc_insert<int const&>(__gnu_cxx::"
            "__normal_iterator<int*, std::vector<int, std::allocator<int> > >, int const&)")));
  EXPECT_TRUE(is_runtime_frame(
      frame("libplugin.so",
            "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::"
            "_M_construct<char const*>(char const*, char const*, std::forward_iterator_tag)")));
  EXPECT_TRUE(is_runtime_frame(
      frame("prog", "__gnu_cxx::new_allocator<char>::allocate(unsigned long, void const*)")));
  EXPECT_TRUE(
      is_runtime_frame(frame("prog", "allocate", "/usr/include/c++/12/bits/new_allocator.h")));
}

TEST(RuntimeFrame, UserCodeIsNotRuntime) {
  EXPECT_FALSE(is_runtime_frame(frame("libplugin.so", "ConfigParser::parse_line(char const*)")));
  // A user function returning a std type must not be mistaken for the library.
  EXPECT_FALSE(is_runtime_frame(
      frame("prog",
            "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > "
            "app::format<int>(int)")));
  EXPECT_FALSE(is_runtime_frame(frame("prog", "(anonymous namespace)::load(std::string const&)")));
  EXPECT_FALSE(is_runtime_frame(frame("prog", "main")));
  EXPECT_FALSE(is_runtime_frame(frame("prog", "")));
  EXPECT_FALSE(is_runtime_frame(frame("prog", "mallocate_buffers")));
}

}  // namespace
}  // namespace leakdbg
