#include "unwind/code_lookup.h"

#include <link.h>

namespace leakdbg::unwind {
namespace {

struct Search {
  uintptr_t pc;
  CodeLocation found;
};

int visit_module(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<Search*>(data);
  const ElfW(Phdr)* eh_frame_hdr = nullptr;
  bool holds_pc = false;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_GNU_EH_FRAME) eh_frame_hdr = &ph;
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) {
      const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
      if (search->pc >= start && search->pc - start < ph.p_memsz) holds_pc = true;
    }
  }
  if (!holds_pc) return 0;
  search->found.in_executable_segment = true;
  if (eh_frame_hdr == nullptr) return 1;
  const uintptr_t hdr = info->dlpi_addr + eh_frame_hdr->p_vaddr;
  // .eh_frame lies in the same loaded segment as its header with every common linker;
  // reads are bounded to that segment.
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_R) && hdr >= start && hdr - start < ph.p_filesz) {
      search->found.has_eh_frame_hdr = true;
      search->found.eh_frame = EhFrameSource{hdr, start, start + ph.p_filesz};
    }
  }
  return 1;
}

}  // namespace

CodeLocation locate_code(uintptr_t pc) {
  Search search{pc, {}};
  dl_iterate_phdr(visit_module, &search);
  return search.found;
}

}  // namespace leakdbg::unwind
