#include "capture_pair.h"

#include <dlfcn.h>

#include <cstdio>

namespace unwind_test {
namespace {

__attribute__((noinline)) int capture_here(leakdbg::unwind::Mode mode, uintptr_t* out, int max,
                                           int skip) {
  int n = leakdbg::unwind::capture_with(mode, out, max, skip);
  __asm__ volatile("" : "+r"(n));
  return n;
}

}  // namespace

void capture_pair_probe(void* context) {
  using leakdbg::unwind::Mode;
  auto* pair = static_cast<CapturePair*>(context);
  const Mode modes[3] = {Mode::kFast, Mode::kFast, Mode::kLibunwind};
  std::vector<uintptr_t>* results[3] = {&pair->first_fast, &pair->second_fast, &pair->reference};
  uintptr_t frames[256];
  for (int i = 0; i < 3; ++i) {
    const int n = capture_here(modes[i], frames, pair->max, pair->skip);
    results[i]->assign(frames, frames + n);
  }
}

std::string describe(const std::vector<uintptr_t>& frames) {
  std::string text;
  for (uintptr_t pc : frames) {
    char line[64];
    Dl_info info{};
    const char* name =
        dladdr(reinterpret_cast<void*>(pc), &info) && info.dli_sname ? info.dli_sname : "?";
    std::snprintf(line, sizeof line, "  0x%lx ", static_cast<unsigned long>(pc));
    text += line;
    text += name;
    text += '\n';
  }
  return text;
}

size_t frames_in_module_of(const std::vector<uintptr_t>& frames, const void* symbol) {
  Dl_info wanted{};
  if (!dladdr(symbol, &wanted)) return 0;
  size_t count = 0;
  for (uintptr_t pc : frames) {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(pc - 1), &info) && info.dli_fbase == wanted.dli_fbase)
      ++count;
  }
  return count;
}

}  // namespace unwind_test
