#include "export/function_name.h"

#include <gtest/gtest.h>

namespace leakdbg::exporter {
namespace {

TEST(ShortFunctionName, DropsReturnTypeTemplatesAndParameters) {
  EXPECT_EQ(short_function_name("void std::__cxx11::list<std::string>::emplace_back<std::string&>"
                                "(std::string&)"),
            "std::__cxx11::list::emplace_back");
  EXPECT_EQ(short_function_name("demo::Parser::parse(std::basic_string_view<char>) const"),
            "demo::Parser::parse");
  EXPECT_EQ(short_function_name("decltype (::new ((void*)(0)) X) std::construct_at<X>(X*)"),
            "std::construct_at");
  EXPECT_EQ(short_function_name("unsigned long count(int)"), "count");
  EXPECT_EQ(short_function_name("main"), "main");
}

TEST(ShortFunctionName, KeepsWhatOtherToolsMangle) {
  EXPECT_EQ(short_function_name("(anonymous namespace)::Store::parse_line(char const*)"),
            "(anonymous namespace)::Store::parse_line");
  EXPECT_EQ(short_function_name("operator new(unsigned long)"), "operator new");
  EXPECT_EQ(short_function_name("operator<<(std::ostream&, int)"), "operator<<");
  EXPECT_EQ(short_function_name("Foo::operator()(int) const"), "Foo::operator()");
  EXPECT_EQ(short_function_name("Foo::operator bool() const"), "Foo::operator bool");
  EXPECT_EQ(short_function_name("std::vector<int>::operator[](unsigned long)"),
            "std::vector::operator[]");
  EXPECT_EQ(short_function_name("main::{lambda(int)#1}::operator()(int) const"),
            "main::{lambda(int)#1}::operator()");
  EXPECT_EQ(short_function_name("libc.so.6+0x1234"), "libc.so.6+0x1234");
}

}  // namespace
}  // namespace leakdbg::exporter
