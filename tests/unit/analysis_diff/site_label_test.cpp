#include "analysis/site_label.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/site_text.h"
#include "util/error.h"

namespace leakdbg::analysis {
namespace {

using Frames = std::vector<SymbolicFrame>;

SymbolicFrame frame(std::string module, std::string function, std::string file = "",
                    uint32_t line = 0, bool inlined = false) {
  SymbolicFrame f;
  f.module = std::move(module);
  f.function = std::move(function);
  f.file = std::move(file);
  f.line = line;
  f.inlined = inlined;
  return f;
}

SymbolicFrame main_frame() { return frame("app", "main", "/src/main.c", 50); }

std::vector<SiteLabel> label_all(const std::vector<Frames>& stacks,
                                 const SiteLabelOptions& options = {}) {
  std::vector<const Frames*> pointers;
  for (const Frames& stack : stacks) pointers.push_back(&stack);
  return label_sites(pointers, options);
}

std::string site_function(const Frames& frames, const SiteLabel& label) {
  const SymbolicFrame* site = site_frame_of(frames, label);
  return site ? site->function : "(none)";
}

// A C wrapper under three callers: each site is named by its caller, not by the wrapper.
TEST(SiteLabel, ForwardingWrapperUsedByThreeCallersIsSkipped) {
  std::vector<Frames> stacks;
  for (const char* caller : {"load_users", "load_groups", "load_hosts"})
    stacks.push_back({frame("libc.so.6", "malloc"), frame("app", "xmalloc", "/src/util.c", 12),
                      frame("app", caller, "/src/load.c", 30), main_frame()});
  std::vector<SiteLabel> labels = label_all(stacks);
  for (size_t i = 0; i < stacks.size(); ++i) {
    EXPECT_EQ(labels[i].frame, 2);
    EXPECT_EQ(labels[i].wrapper, 1);
    EXPECT_EQ(labels[i].from, -1);
  }
  EXPECT_EQ(site_text(stacks[0], labels[0]), "load_users  load.c:30");
}

// Two callers are not "many": the function keeps the label, and the two sites that share it
// are told apart by their callers.
TEST(SiteLabel, TwoCallersAreNotAWrapperButCollisionsShowTheCaller) {
  std::vector<Frames> stacks = {
      {frame("libc.so.6", "malloc"), frame("app", "make_node", "/src/list.c", 8),
       frame("app", "push_front", "/src/list.c", 40), main_frame()},
      {frame("libc.so.6", "malloc"), frame("app", "make_node", "/src/list.c", 8),
       frame("app", "push_back", "/src/list.c", 60), main_frame()}};
  std::vector<SiteLabel> labels = label_all(stacks);
  EXPECT_EQ(labels[0].frame, 1);
  EXPECT_EQ(labels[0].from, 2);
  EXPECT_EQ(labels[1].from, 2);
  EXPECT_EQ(site_text(stacks[0], labels[0]), "make_node  list.c:8  (from push_front  list.c:40)");
  EXPECT_NE(site_text(stacks[0], labels[0]), site_text(stacks[1], labels[1]));
}

// A function that allocates at several lines of its own is doing work, not forwarding.
TEST(SiteLabel, AFunctionAllocatingAtSeveralLinesIsNotAWrapper) {
  std::vector<Frames> stacks;
  uint32_t line = 10;
  for (const char* caller : {"a", "b", "c"})
    stacks.push_back({frame("libc.so.6", "malloc"), frame("app", "build", "/src/b.c", line++),
                      frame("app", caller, "/src/x.c", 3), main_frame()});
  for (const SiteLabel& label : label_all(stacks)) {
    EXPECT_EQ(label.frame, 1);
    EXPECT_EQ(label.wrapper, -1);
  }
}

// A wrapper around a wrapper (xmalloc inside jv_mem_alloc) is found once the inner one is
// skipped.
TEST(SiteLabel, NestedWrappersAreBothSkipped) {
  std::vector<Frames> stacks;
  for (const char* caller : {"jv_string", "jv_array", "jv_object", "jv_number"})
    stacks.push_back({frame("libc.so.6", "malloc"), frame("app", "xmalloc", "/src/x.c", 5),
                      frame("app", "jv_mem_alloc", "/src/jv_alloc.c", 122),
                      frame("app", caller, "/src/jv.c", 9), main_frame()});
  // Under jv_mem_alloc alone xmalloc has one caller; two more of its users make it a
  // wrapper, and once it is skipped jv_mem_alloc's four callers make that one a wrapper too.
  stacks.push_back({frame("libc.so.6", "malloc"), frame("app", "xmalloc", "/src/x.c", 5),
                    frame("app", "read_file", "/src/io.c", 20), main_frame()});
  stacks.push_back({frame("libc.so.6", "malloc"), frame("app", "xmalloc", "/src/x.c", 5),
                    frame("app", "parse_args", "/src/main.c", 7), main_frame()});
  std::vector<SiteLabel> labels = label_all(stacks);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(labels[i].frame, 3) << i;
    EXPECT_EQ(labels[i].wrapper, 2) << i;
  }
  EXPECT_EQ(site_function(stacks[4], labels[4]), "read_file");
  EXPECT_EQ(site_function(stacks[5], labels[5]), "parse_args");
}

TEST(SiteLabel, StringAndVectorInternalsAndOperatorNewAreMachinery) {
  Frames string_stack = {
      frame("libstdc++.so.6", "operator new(unsigned long)"),
      frame("app",
            "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> "
            ">::_M_create(unsigned long&, unsigned long)",
            "/usr/include/c++/12/bits/basic_string.tcc", 155, true),
      frame("app", "void std::__cxx11::basic_string<char>::_M_construct<char const*>(char const*)",
            "/usr/include/c++/12/bits/basic_string.tcc", 225, true),
      frame("app", "Config::load(std::string_view)", "/src/config.cpp", 12), main_frame()};
  Frames vector_stack = {
      frame("app", "operator new(unsigned long)"),
      frame("app", "__gnu_cxx::new_allocator<int>::allocate(unsigned long, void const*)",
            "/usr/include/c++/12/ext/new_allocator.h", 137, true),
      frame("app", "std::allocator_traits<std::allocator<int> >::allocate", "", 0, true),
      frame("app", "void std::vector<int>::_M_realloc_insert<int const&>(...)",
            "/usr/include/c++/12/bits/vector.tcc", 440),
      frame("app", "Table::add(int)", "/src/table.cpp", 33),
      main_frame()};
  Frames map_stack = {
      frame("libstdc++.so.6", "operator new(unsigned long)"),
      frame("app", "std::_Rb_tree<int, int>::_M_create_node<int>(int&&)", "", 0, true),
      frame("app", "Index::insert(int)", "/src/index.cpp", 7), main_frame()};
  std::vector<SiteLabel> labels = label_all({string_stack, vector_stack, map_stack});
  EXPECT_EQ(site_function(string_stack, labels[0]), "Config::load(std::string_view)");
  EXPECT_EQ(site_function(vector_stack, labels[1]), "Table::add(int)");
  EXPECT_EQ(site_function(map_stack, labels[2]), "Index::insert(int)");
}

// The demo's case: a list node and the string inside it, allocated on one line. The callers
// are the same, so the first differing frame inward tells them apart.
TEST(SiteLabel, SameLineDifferentContainersAreToldApartInward) {
  SymbolicFrame site = frame("libplugin.so", "ConfigParser::read_defaults(std::string_view)",
                             "/src/config_parser.cpp", 57);
  Frames node = {
      frame("libstdc++.so.6", "operator new(unsigned long)"),
      frame("libplugin.so", "std::__cxx11::list<std::string>::_M_create_node", "", 0, true),
      frame("libplugin.so", "std::__cxx11::list<std::string>::emplace_back", "", 0, true), site,
      main_frame()};
  Frames buffer = {
      frame("libstdc++.so.6", "operator new(unsigned long)"),
      frame("libplugin.so", "std::__cxx11::basic_string<char>::_M_create", "", 0, true),
      frame("libplugin.so", "std::__cxx11::list<std::string>::_M_create_node", "", 0, true),
      frame("libplugin.so", "std::__cxx11::list<std::string>::emplace_back", "", 0, true),
      site,
      main_frame()};
  std::vector<SiteLabel> labels = label_all({node, buffer});
  EXPECT_EQ(labels[0].frame, 3);
  EXPECT_EQ(labels[1].frame, 4);
  EXPECT_EQ(labels[0].from, -1);
  EXPECT_GE(labels[0].via, 0);
  EXPECT_GE(labels[1].via, 0);
  std::string a = site_text(node, labels[0]), b = site_text(buffer, labels[1]);
  EXPECT_NE(a, b);
  // Text names are short: no parameter list (not overloaded), std::string for basic_string.
  EXPECT_EQ(a.rfind("ConfigParser::read_defaults  config_parser.cpp:57", 0), 0u) << a;
  EXPECT_NE(b.find("std::string::_M_create"), std::string::npos) << b;
}

TEST(SiteLabel, WindowsHeapFramesAreMachinery) {
  Frames verifier = {frame("ntdll", "RtlpAllocateHeapInternal"),
                     frame("ntdll", "RtlAllocateHeap"),
                     frame("verifier", "AVrfpRtlAllocateHeap"),
                     frame("ucrtbase", "_malloc_base"),
                     frame("leaky", "operator new"),
                     frame("leaky", "Widget::make", "c:\\src\\widget.cpp", 21),
                     frame("leaky", "main"),
                     frame("KERNEL32", "BaseThreadInitThunk")};
  Frames heapalloc = {frame("ntdll", "RtlDebugAllocateHeap"),
                      frame("ntdll", "RtlpCallInterceptRoutine"),
                      frame("ntdll", "RtlLogStackBackTrace"),
                      frame("KERNELBASE", "HeapAlloc"),
                      frame("msvcrt", "malloc"),
                      frame("leaky", "Cache::grow"),
                      frame("leaky", "main")};
  std::vector<SiteLabel> labels = label_all({verifier, heapalloc});
  EXPECT_EQ(site_function(verifier, labels[0]), "Widget::make");
  EXPECT_EQ(site_function(heapalloc, labels[1]), "Cache::grow");
  // A statically linked CRT keeps its function names in the program's own module.
  EXPECT_TRUE(is_allocation_machinery(frame("leaky", "_malloc_base")));
  EXPECT_TRUE(is_allocation_machinery(frame("leaky", "AVrfpHeapAlloc")));
  EXPECT_FALSE(is_allocation_machinery(frame("leaky", "Widget::make")));
}

TEST(SiteLabel, AllocFnPatternsSkipTheUsersOwnWrappers) {
  Frames stack = {frame("libc.so.6", "malloc"), frame("app", "pool_get", "/src/pool.c", 4),
                  frame("app", "session_open", "/src/session.c", 18), main_frame()};
  EXPECT_EQ(site_function(stack, label_all({stack})[0]), "pool_get");
  SiteLabelOptions options;
  options.alloc_fn_patterns = {"^pool_(get|put)$", "unused"};
  EXPECT_EQ(site_function(stack, label_all({stack}, options)[0]), "session_open");
  EXPECT_EQ(site_function(stack, label_single_site(stack, options)), "session_open");
}

TEST(SiteLabel, BadAllocFnPatternIsOneClearError) {
  SiteLabelOptions options;
  options.alloc_fn_patterns = {"pool_(get"};
  Frames stack = {main_frame()};
  try {
    label_all({stack}, options);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--alloc-fn 'pool_(get'"), std::string::npos) << e.what();
  }
}

TEST(SiteLabel, OnlyMachineryNamesTheRuntimeFunctionThatAsked) {
  Frames pool = {frame("libleakdbg.so", "leakdbg::tracker::on_malloc"),
                 frame("libc.so.6", "malloc"),
                 frame("libstdc++.so.6", "(anonymous namespace)::pool::pool()"),
                 frame("libstdc++.so.6", "_GLOBAL__sub_I_eh_alloc.cc"),
                 frame("ld-linux-x86-64.so.2", "_dl_init")};
  EXPECT_EQ(site_function(pool, label_all({pool})[0]), "(anonymous namespace)::pool::pool()");
  Frames bare = {frame("libc.so.6", "malloc"), frame("libc.so.6", "calloc")};
  EXPECT_EQ(label_all({bare})[0].frame, 1);
  EXPECT_EQ(label_all({Frames{}})[0].frame, -1);
  EXPECT_EQ(site_text(Frames{}, SiteLabel{}), "(no stack)");
}

// Identical stacks (a heap and an mmap site of one stack) stay unadorned: nothing differs.
TEST(SiteLabel, IdenticalStacksGetNoDiscriminator) {
  Frames stack = {frame("libc.so.6", "malloc"), frame("app", "grow", "/src/g.c", 3), main_frame()};
  std::vector<SiteLabel> labels = label_all({stack, stack});
  EXPECT_EQ(labels[0], labels[1]);
  EXPECT_EQ(labels[0].from, -1);
  EXPECT_EQ(labels[0].via, -1);
}

}  // namespace
}  // namespace leakdbg::analysis
