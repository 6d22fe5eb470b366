// CuFunctions and ScopePrefixes replace libdw calls that walk a whole unit per question
// (dwarf_getscopes, dwarf_getscopes_die): they must give the same answers. Checked against
// those calls over every code byte and function DIE of the fixtures, and a sample of this
// test program's own (large C++) units; then by name on fixture functions without linkage
// names (the ones named from their scopes).
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fixture_support.h"
#include "symbolize/cu_functions.h"
#include "symbolize/dwarf_tags.h"
#include "symbolize/scope_prefixes.h"
#include "symbolize/symbolizer.h"

namespace leakdbg {
namespace {

// The function holding a pc as the symbolizer found it before CuFunctions: the unit's
// indexed ranges, then dwarf_getscopes.
class ReferenceFunctions {
 public:
  explicit ReferenceFunctions(Dwarf_Die* cu) : cu_(*cu) {
    collect(cu);
    std::sort(ranges_.begin(), ranges_.end(),
              [](const Range& a, const Range& b) { return a.low < b.low; });
  }

  const void* find(uint64_t pc) {
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), pc,
                               [](uint64_t p, const Range& r) { return p < r.low; });
    for (int tries = 0; tries < 4 && it != ranges_.begin(); ++tries) {
      --it;
      if (pc < it->high) return it->die.addr;
    }
    Dwarf_Die* scopes = nullptr;
    int n = dwarf_getscopes(&cu_, pc, &scopes);
    const void* found = nullptr;
    for (int i = 0; i < n && !found; ++i)
      if (is_function_tag(dwarf_tag(&scopes[i]))) found = scopes[i].addr;
    std::free(scopes);
    return found;
  }

 private:
  struct Range {
    uint64_t low, high;
    Dwarf_Die die;
  };

  void collect(Dwarf_Die* parent) {
    Dwarf_Die child;
    if (dwarf_child(parent, &child) != 0) return;
    do {
      int tag = dwarf_tag(&child);
      if (is_function_tag(tag)) {
        Dwarf_Addr base = 0, low = 0, high = 0;
        for (ptrdiff_t off = 0; (off = dwarf_ranges(&child, off, &base, &low, &high)) > 0;)
          if (high > low) ranges_.push_back({low, high, child});
      } else if (is_container_tag(tag)) {
        collect(&child);
      }
    } while (dwarf_siblingof(&child, &child) == 0);
  }

  Dwarf_Die cu_;
  std::vector<Range> ranges_;
};

// The scope prefix as the symbolizer built it before ScopePrefixes.
std::string reference_prefix(Dwarf_Die* declaration) {
  Dwarf_Die* scopes = nullptr;
  int n = dwarf_getscopes_die(declaration, &scopes);
  std::string prefix;
  for (int i = n - 1; i >= 1; --i) {
    if (!is_container_tag(dwarf_tag(&scopes[i]))) continue;
    const char* name = dwarf_diename(&scopes[i]);
    prefix += std::string(name ? name : "(anonymous namespace)") + "::";
  }
  std::free(scopes);
  return prefix;
}

void function_dies(Dwarf_Die* parent, std::vector<Dwarf_Die>& out) {
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return;
  do {
    if (is_function_tag(dwarf_tag(&child))) out.push_back(child);
    function_dies(&child, out);
  } while (dwarf_siblingof(&child, &child) == 0);
}

struct Checked {
  bool opened = false;
  size_t pcs = 0, with_function = 0, declarations = 0, with_prefix = 0;
};

void compare_unit(const std::string& path, Dwarf_Die* cu, uint64_t pc_step, size_t die_step,
                  ScopePrefixes& prefixes, Checked& checked) {
  CuFunctions index(cu);
  ReferenceFunctions reference(cu);
  Dwarf_Addr base = 0, low = 0, high = 0;
  for (ptrdiff_t off = 0; (off = dwarf_ranges(cu, off, &base, &low, &high)) > 0;)
    for (uint64_t pc = low; pc < high; pc += pc_step) {
      Dwarf_Die found;
      const void* ours = index.find(pc, &found) ? found.addr : nullptr;
      ASSERT_EQ(ours, reference.find(pc)) << path << " pc 0x" << std::hex << pc;
      ++checked.pcs;
      checked.with_function += ours != nullptr;
    }
  std::vector<Dwarf_Die> functions;
  function_dies(cu, functions);
  for (size_t i = 0; i < functions.size(); i += die_step) {
    std::string expected = reference_prefix(&functions[i]);
    ASSERT_EQ(prefixes.of(&functions[i]), expected)
        << path << " DIE " << dwarf_dieoffset(&functions[i]);
    ++checked.declarations;
    checked.with_prefix += !expected.empty();
  }
}

// Every `pc_step`-th byte of each unit's code and every `die_step`-th function DIE.
Checked compare_with_libdw(const std::string& path, uint64_t pc_step, size_t die_step) {
  Checked checked;
  int fd = open(path.c_str(), O_RDONLY);
  Dwarf* dwarf = fd >= 0 ? dwarf_begin(fd, DWARF_C_READ) : nullptr;
  checked.opened = dwarf != nullptr;
  Dwarf_Off offset = 0, next = 0;
  size_t header = 0;
  ScopePrefixes prefixes;
  while (dwarf && !::testing::Test::HasFatalFailure() &&
         dwarf_nextcu(dwarf, offset, &next, &header, nullptr, nullptr, nullptr) == 0) {
    Dwarf_Die cu;
    if (dwarf_offdie(dwarf, offset + header, &cu))
      compare_unit(path, &cu, pc_step, die_step, prefixes, checked);
    offset = next;
  }
  if (dwarf) dwarf_end(dwarf);
  if (fd >= 0) close(fd);
  return checked;
}

TEST(DwarfIndex, FixturesMatchLibdwEverywhere) {
  for (const char* library : {SYMFIXTURE_DWARF4, SYMFIXTURE_DWARF5, SYMFIXTURE_PROG}) {
    Checked checked = compare_with_libdw(library, 1, 1);
    ASSERT_TRUE(checked.opened) << library;
    EXPECT_GT(checked.with_function, 100u) << library;
    EXPECT_LT(checked.with_function, checked.pcs) << library << ": padding expected too";
    EXPECT_GT(checked.with_prefix, 0u) << library;
  }
}

TEST(DwarfIndex, LargeCppUnitsMatchLibdw) {
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  // Sparse: the reference walks a whole unit for each declaration.
  Checked checked = compare_with_libdw(self, 211, 151);
  if (!checked.opened) GTEST_SKIP() << "this build has no debug information";
  EXPECT_GT(checked.pcs, 1000u);
  EXPECT_GT(checked.declarations, 300u);
  EXPECT_GT(checked.with_prefix, 100u);
}

uint64_t call_fixture(void* handle, const char* name) {
  auto fn = reinterpret_cast<void* (*)()>(dlsym(handle, name));
  return fn ? reinterpret_cast<uint64_t>(fn()) : 0;
}

TEST(DwarfIndex, FunctionsWithoutLinkageNamesAreNamedFromTheirScopes) {
  void* handle = dlopen(SYMFIXTURE_DWARF5, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  uint64_t in_namespace = call_fixture(handle, "fixture_c_in_namespace");
  uint64_t in_local = call_fixture(handle, "fixture_local_class");
  uint64_t in_lambda = call_fixture(handle, "fixture_lambda");
  HeapModel model = symtest::model_of_this_process();
  SymbolizerOptions options;
  options.warn = false;
  Symbolizer symbolizer(model, options);
  const std::string source = SYMFIXTURE_LIB_SOURCE;

  const auto& c_function = symbolizer.frames_at(in_namespace);
  ASSERT_EQ(c_function.size(), 1u);
  EXPECT_EQ(c_function[0].function, "fixture::fixture_c_in_namespace");
  EXPECT_EQ(c_function[0].line, symtest::marked_line(source, "c_in_namespace_call"));

  // The enclosing function is not a scope of the name; its local class is.
  const auto& local = symbolizer.frames_at(in_local);
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0].function, "Local::where");
  EXPECT_EQ(local[0].line, symtest::marked_line(source, "local_call"));

  // The closure type has no DW_AT_name; it reads as an anonymous scope.
  const auto& lambda = symbolizer.frames_at(in_lambda);
  ASSERT_EQ(lambda.size(), 1u);
  EXPECT_EQ(lambda[0].function, "(anonymous namespace)::operator()");
  EXPECT_EQ(lambda[0].line, symtest::marked_line(source, "lambda_call"));
}

}  // namespace
}  // namespace leakdbg
