#include "symbolize/short_name.h"

#include <gtest/gtest.h>

namespace leakdbg {
namespace {

TEST(ShortName, StandardStringsGetTheirOwnNames) {
  EXPECT_EQ(collapse_std_templates(
                "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >"),
            "std::string");
  EXPECT_EQ(collapse_std_templates("std::basic_string_view<char, std::char_traits<char> >"),
            "std::string_view");
  EXPECT_EQ(collapse_std_templates("std::basic_ostream<char, std::char_traits<char> >&"),
            "std::ostream&");
  EXPECT_EQ(collapse_std_templates("std::__cxx11::basic_string<wchar_t, "
                                   "std::char_traits<wchar_t>, std::allocator<wchar_t> >"),
            "std::wstring");
}

TEST(ShortName, AllocatorAndDefaultArgumentsAreDropped) {
  EXPECT_EQ(collapse_std_templates("std::vector<int, std::allocator<int> >"), "std::vector<int>");
  EXPECT_EQ(collapse_std_templates(
                "std::map<std::__cxx11::basic_string<char, std::char_traits<char>, "
                "std::allocator<char> >, int, std::less<std::__cxx11::basic_string<char, "
                "std::char_traits<char>, std::allocator<char> > >, "
                "std::allocator<std::pair<std::__cxx11::basic_string<char, std::char_traits<char>, "
                "std::allocator<char> > const, int> > >"),
            "std::map<std::string, int>");
  EXPECT_EQ(collapse_std_templates("std::unique_ptr<Widget, std::default_delete<Widget> >"),
            "std::unique_ptr<Widget>");
  // A comparator that is not the default stays.
  EXPECT_EQ(collapse_std_templates("std::set<int, std::greater<int>, std::allocator<int> >"),
            "std::set<int, std::greater<int>>");
  EXPECT_EQ(collapse_std_templates("std::vector<std::vector<int, std::allocator<int> >, "
                                   "std::allocator<std::vector<int, std::allocator<int> > > >"),
            "std::vector<std::vector<int>>");
}

TEST(ShortName, ParametersDropWhenTheNameIsUnambiguous) {
  const char* full =
      "read_defaults(std::basic_string_view<char, std::char_traits<char> >, "
      "std::vector<int, std::allocator<int> > const&)";
  EXPECT_EQ(short_function_name(full), "read_defaults");
  EXPECT_EQ(short_function_name(full, true),
            "read_defaults(std::string_view, std::vector<int> const&)");
  EXPECT_EQ(short_function_name("std::__cxx11::basic_string<char, std::char_traits<char>, "
                                "std::allocator<char> >::_M_data() const"),
            "std::string::_M_data");
  EXPECT_EQ(short_function_name("std::__cxx11::basic_string<char, std::char_traits<char>, "
                                "std::allocator<char> >::_M_data() const",
                                true),
            "std::string::_M_data() const");
  EXPECT_EQ(short_function_name("config_parse"), "config_parse");
  EXPECT_EQ(short_function_name(""), "");
}

TEST(ShortName, TemplateFunctionsLoseTheirReturnType) {
  EXPECT_EQ(
      short_function_name("void std::vector<int, std::allocator<int> >::_M_realloc_insert<int "
                          "const&>(__gnu_cxx::__normal_iterator<int*, std::vector<int, "
                          "std::allocator<int> > >, int const&)"),
      "std::vector<int>::_M_realloc_insert<int const&>");
  EXPECT_EQ(short_function_name("std::__cxx11::basic_string<char, std::char_traits<char>, "
                                "std::allocator<char> >& std::__cxx11::basic_string<char, "
                                "std::char_traits<char>, std::allocator<char> >::append<char "
                                "const*>(char const*, char const*)"),
            "std::string::append<char const*>");
}

TEST(ShortName, OperatorsAndAnonymousNamespacesSurvive) {
  EXPECT_EQ(short_function_name("operator new(unsigned long)"), "operator new");
  EXPECT_EQ(short_function_name("operator new[](unsigned long)"), "operator new[]");
  EXPECT_EQ(short_function_name("Widget::operator<(Widget const&) const"), "Widget::operator<");
  EXPECT_EQ(short_function_name("std::ostream::operator<<(int)", true),
            "std::ostream::operator<<(int)");
  EXPECT_EQ(short_function_name("Parser::operator()(int)"), "Parser::operator()");
  EXPECT_EQ(short_function_name("(anonymous namespace)::load_config(char const*)"),
            "(anonymous namespace)::load_config");
  EXPECT_EQ(short_function_name("main::{lambda(int)#1}::operator()(int) const"),
            "main::{lambda(int)#1}::operator()");
  EXPECT_EQ(short_function_name("run_job(int) [clone .cold]"), "run_job");
}

TEST(ShortName, TextItDoesNotUnderstandIsLeftAsItIs) {
  EXPECT_EQ(collapse_std_templates("broken<name"), "broken<name");
  EXPECT_EQ(short_function_name("a::b<c>(d"), "a::b<c>(d");
}

}  // namespace
}  // namespace leakdbg
