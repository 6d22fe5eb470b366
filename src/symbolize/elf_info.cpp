#include "symbolize/elf_info.h"

#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

namespace leakdbg {

namespace {

// Closes the descriptor and the Elf handle on every path out of read_elf_info.
struct ElfHandle {
  int fd = -1;
  Elf* elf = nullptr;
  ~ElfHandle() {
    if (elf) elf_end(elf);
    if (fd >= 0) close(fd);
  }
};

}  // namespace

std::optional<ElfFileInfo> read_elf_info(const std::string& path) {
  elf_version(EV_CURRENT);
  ElfHandle h;
  // Mapped devices (GPU, /dev/zero) are listed like files: opening one may block or act.
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  h.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (h.fd < 0) return std::nullopt;
  h.elf = elf_begin(h.fd, ELF_C_READ_MMAP, nullptr);
  if (!h.elf || elf_kind(h.elf) != ELF_K_ELF) return std::nullopt;
  GElf_Ehdr ehdr;
  if (!gelf_getehdr(h.elf, &ehdr)) return std::nullopt;
  ElfFileInfo info;
  info.is_pie_or_shared = ehdr.e_type == ET_DYN;
  size_t phnum = 0;
  if (elf_getphdrnum(h.elf, &phnum) != 0) return std::nullopt;
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr phdr;
    if (!gelf_getphdr(h.elf, static_cast<int>(i), &phdr) || phdr.p_type != PT_LOAD) continue;
    info.loads.push_back({phdr.p_vaddr, phdr.p_memsz, phdr.p_offset, phdr.p_align, phdr.p_flags});
  }
  const void* id = nullptr;
  ssize_t id_size = dwelf_elf_gnu_build_id(h.elf, &id);
  if (id_size > 0) info.build_id.assign(static_cast<const char*>(id), static_cast<size_t>(id_size));
  return info;
}

std::string to_hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace leakdbg
