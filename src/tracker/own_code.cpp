#include "tracker/own_code.h"

#include <dlfcn.h>
#include <link.h>

namespace leakdbg::tracker {

uintptr_t g_own_code_start = 0;
uintptr_t g_own_code_end = 0;

namespace {

int visit(dl_phdr_info* info, size_t, void* data) {
  auto base = reinterpret_cast<uintptr_t>(data);
  if (info->dlpi_addr != base) return 0;
  uintptr_t start = UINTPTR_MAX, end = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X)) continue;
    uintptr_t s = info->dlpi_addr + ph.p_vaddr;
    if (s < start) start = s;
    if (s + ph.p_memsz > end) end = s + ph.p_memsz;
  }
  if (start < end) {
    g_own_code_start = start;
    g_own_code_end = end;
  }
  return 1;
}

}  // namespace

void find_own_code() {
  Dl_info info;
  if (!dladdr(reinterpret_cast<void*>(&find_own_code), &info) || !info.dli_fbase) return;
  dl_iterate_phdr(visit, info.dli_fbase);
}

}  // namespace leakdbg::tracker
