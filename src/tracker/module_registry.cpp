#include "tracker/module_registry.h"

#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <cstring>

#include "format/records.h"
#include "tracker/proc_files.h"
#include "tracker/spin_lock.h"
#include "unwind/unwind.h"

namespace leakdbg::tracker {
namespace {

constexpr int kMaxSegments = 16;
constexpr size_t kMaxBuildId = 64;

struct Module {
  uint64_t load_bias;
  uint32_t path_offset;  // into g_paths
  uint32_t path_size;
  uint8_t build_id[kMaxBuildId];
  uint16_t build_id_size;
  uint16_t segment_count;
  bool loaded;
  bool seen;  // found by the current refresh
  bool is_executable;
  fmt::SegmentRecord segments[kMaxSegments];
};

SpinLock g_lock;
ByteBuffer g_modules;  // Module array
ByteBuffer g_paths;    // path bytes

Module* modules() { return reinterpret_cast<Module*>(g_modules.data()); }
size_t module_count() { return g_modules.size() / sizeof(Module); }
const char* path_of(const Module& m) { return g_paths.data() + m.path_offset; }

void read_build_id(const dl_phdr_info* info, Module& m) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note;
      std::memcpy(&note, p, sizeof note);
      const char* name = p + sizeof note;
      const char* desc = name + ((note.n_namesz + 3) & ~3u);
      const char* next = desc + ((note.n_descsz + 3) & ~3u);
      if (next > end) break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0 && note.n_descsz <= kMaxBuildId) {
        std::memcpy(m.build_id, desc, note.n_descsz);
        m.build_id_size = static_cast<uint16_t>(note.n_descsz);
        return;
      }
      p = next;
    }
  }
}

// The main program's dl_phdr_info has an empty name: ask the kernel for its path.
size_t executable_path(char* out, size_t size) {
  ssize_t n = readlink("/proc/self/exe", out, size);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

uintptr_t first_load_address(const dl_phdr_info* info) {
  for (int i = 0; i < info->dlpi_phnum; ++i)
    if (info->dlpi_phdr[i].p_type == PT_LOAD) return info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
  return info->dlpi_addr;
}

struct VisitState {
  bool first = true;
  uint64_t generation = 0;
};

int visit(dl_phdr_info* info, size_t size, void* data) {
  auto* state = static_cast<VisitState*>(data);
  bool is_executable = state->first;
  state->first = false;
  if (size >= offsetof(dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs))
    state->generation = info->dlpi_adds + info->dlpi_subs;

  char exe_path[4096];
  const char* path = info->dlpi_name ? info->dlpi_name : "";
  size_t path_size = std::strlen(path);
  if (is_executable && path_size == 0) {
    path_size = executable_path(exe_path, sizeof exe_path);
    path = exe_path;
  }
  // dlopen("./libplugin.so") leaves the loader with the name as given, which means nothing
  // once the program (or the analysis) runs elsewhere: the kernel's map names the file.
  char mapped_path[4096];
  if (path_size > 0 && path[0] != '/') {
    if (size_t mapped =
            mapped_file_path(first_load_address(info), mapped_path, sizeof mapped_path)) {
      path = mapped_path;
      path_size = mapped;
    }
  }
  for (size_t i = 0; i < module_count(); ++i) {
    Module& m = modules()[i];
    if (m.loaded && m.load_bias == info->dlpi_addr && m.path_size == path_size &&
        std::memcmp(path_of(m), path, path_size) == 0) {
      m.seen = true;
      return 0;
    }
  }
  Module m{};
  m.load_bias = info->dlpi_addr;
  m.path_offset = static_cast<uint32_t>(g_paths.size());
  m.path_size = static_cast<uint32_t>(path_size);
  m.loaded = m.seen = true;
  m.is_executable = is_executable;
  for (int i = 0; i < info->dlpi_phnum && m.segment_count < kMaxSegments; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    fmt::SegmentRecord& s = m.segments[m.segment_count++];
    s.start = info->dlpi_addr + ph.p_vaddr;
    s.end = s.start + ph.p_memsz;
    s.file_offset = ph.p_offset;
    s.prot = ((ph.p_flags & PF_R) ? 1u : 0u) | ((ph.p_flags & PF_W) ? 2u : 0u) |
             ((ph.p_flags & PF_X) ? 4u : 0u);  // PROT_READ/WRITE/EXEC
  }
  read_build_id(info, m);
  if (!g_paths.append(path, path_size)) return 1;
  g_modules.append(&m, sizeof m);
  return 0;
}

uint64_t generation_now() {
  VisitState state;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t size, void* data) {
        if (size >= offsetof(dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs))
          *static_cast<uint64_t*>(data) = info->dlpi_adds + info->dlpi_subs;
        return 1;
      },
      &state.generation);
  return state.generation;
}

}  // namespace

uint64_t loader_generation() { return generation_now(); }

void refresh_modules() {
  SpinLockGuard guard(g_lock);
  for (size_t i = 0; i < module_count(); ++i) modules()[i].seen = false;
  VisitState state;
  dl_iterate_phdr(visit, &state);
  for (size_t i = 0; i < module_count(); ++i) {
    Module& m = modules()[i];
    if (m.loaded && !m.seen) {
      m.loaded = false;
      for (int s = 0; s < m.segment_count; ++s)
        if (m.segments[s].prot & 4u)
          unwind::invalidate_range(m.segments[s].start, m.segments[s].end);
    }
  }
}

bool serialize_modules(ByteBuffer& out) {
  SpinLockGuard guard(g_lock);
  uint32_t count = static_cast<uint32_t>(module_count());
  if (!out.append(&count, sizeof count)) return false;
  for (size_t i = 0; i < module_count(); ++i) {
    const Module& m = modules()[i];
    fmt::ModuleRecord record{};
    record.load_bias = m.load_bias;
    record.path_size = m.path_size;
    record.build_id_size = m.build_id_size;
    record.segment_count = m.segment_count;
    record.unloaded = m.loaded ? 0 : 1;
    record.is_executable = m.is_executable ? 1 : 0;
    if (!out.append(&record, sizeof record) || !out.append(path_of(m), m.path_size) ||
        !out.append(m.build_id, m.build_id_size) ||
        !out.append(m.segments, m.segment_count * sizeof(fmt::SegmentRecord)))
      return false;
  }
  return true;
}

}  // namespace leakdbg::tracker
