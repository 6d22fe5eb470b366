// Cold symbolization speed: a fresh Symbolizer resolves N distinct addresses spread evenly
// over the executable code of one ELF file (default: this program; try libstdc++ or any
// binary with debug info). Prints seconds for the cold pass and for a cached second pass.
// With --print, every resolved frame follows (one line each, offset, file and line in full),
// so that two builds of the symbolizer can be diffed on the same input.
//
//   symbolize_cold_bench [ELF-FILE] [COUNT] [--print]
#include <elf.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "symbolize/elf_info.h"
#include "symbolize/symbolizer.h"

int main(int argc, char** argv) {
  using namespace leakdbg;
  std::string path = argc > 1 ? argv[1] : std::filesystem::read_symlink("/proc/self/exe").string();
  uint64_t count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000;
  bool print = argc > 3 && std::string(argv[3]) == "--print";
  auto info = read_elf_info(path);
  if (!info || count == 0) {
    std::fprintf(stderr,
                 "usage: symbolize_cold_bench [ELF-FILE] [COUNT] [--print]: cannot read %s\n",
                 path.c_str());
    return 2;
  }
  // Any base works offline; shared objects and PIEs get a typical one.
  const uint64_t bias = info->is_pie_or_shared ? 0x7f0000000000 : 0;
  HeapModel model;
  Module module;
  module.path = path;
  module.build_id = info->build_id;
  module.load_bias = bias;
  uint64_t code_bytes = 0;
  for (const auto& load : info->loads) {
    module.segments.push_back({bias + load.vaddr, bias + load.vaddr + load.memsz, load.offset, 0});
    if (load.flags & PF_X) code_bytes += load.memsz;
  }
  model.modules.push_back(module);
  if (code_bytes < count) {
    std::fprintf(stderr, "%s: only %llu bytes of code\n", path.c_str(),
                 static_cast<unsigned long long>(code_bytes));
    return 2;
  }
  std::vector<uint64_t> addresses;
  const uint64_t step = code_bytes / count;
  uint64_t skipped = 0;
  for (const auto& load : info->loads) {
    if (!(load.flags & PF_X)) continue;
    for (uint64_t at = step / 2; at < load.memsz && addresses.size() < count; at += step)
      addresses.push_back(bias + load.vaddr + at +
                          (++skipped % 7));  // not instruction-aligned on purpose
  }

  auto run = [&](Symbolizer& symbolizer, uint64_t* with_line, uint64_t* frames) {
    auto start = std::chrono::steady_clock::now();
    for (uint64_t address : addresses) {
      const auto& resolved = symbolizer.frames_at(address);
      *frames += resolved.size();
      if (!resolved.empty() && resolved.front().line) ++*with_line;
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto start = std::chrono::steady_clock::now();
  Symbolizer symbolizer(model);
  uint64_t with_line = 0, frames = 0, ignored = 0;
  run(symbolizer, &with_line, &frames);
  double cold = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double warm = run(symbolizer, &ignored, &ignored);
  std::printf("%s: %zu distinct addresses, cold %.3f s (%.1f us/address), cached pass %.4f s\n",
              path.c_str(), addresses.size(), cold, cold * 1e6 / double(addresses.size()), warm);
  std::printf("  %llu frames (with inline levels), %llu addresses with file:line\n",
              static_cast<unsigned long long>(frames), static_cast<unsigned long long>(with_line));
  if (print)
    for (uint64_t address : addresses)
      for (const auto& f : symbolizer.frames_at(address))
        std::printf("%llx %s %s+%llx %s:%u%s\n", static_cast<unsigned long long>(f.address),
                    f.module.c_str(), f.function.c_str(), static_cast<unsigned long long>(f.offset),
                    f.file.c_str(), f.line, f.inlined ? " inlined" : "");
  return 0;
}
