#include "symbolize/symbolizer.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <unordered_map>

#include "symbolize/demangle.h"
#include "symbolize/dwarf_module.h"
#include "symbolize/elf_info.h"

namespace leakdbg {

namespace {

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

// libdwfl's search path: the module's own folder and its .debug, then the user's folders
// (build-id trees or debuglink targets), then the sysroot's and the system's debug trees.
std::string debuginfo_path_for(const SymbolizerOptions& options) {
  std::string path = ":.debug";
  for (const auto& dir : options.debug_dirs) {
    std::error_code ec;
    auto absolute = std::filesystem::absolute(dir, ec);
    path += ":" + (ec ? dir : absolute.string());
  }
  if (!options.sysroot.empty()) path += ":" + options.sysroot + "/usr/lib/debug";
  path += ":/usr/lib/debug";
  return path;
}

}  // namespace

struct Symbolizer::Impl {
  struct ModuleState {
    const Module* module = nullptr;
    std::string name;                                   // file name shown in frames
    std::vector<std::pair<uint64_t, uint64_t>> ranges;  // runtime [start, end)
    bool tried = false;
    std::unique_ptr<DwarfModule> dwarf;  // null once tried: offsets only
  };

  const HeapModel& model;
  SymbolizerOptions options;
  std::string debuginfo_path;
  std::vector<ModuleState> modules;
  std::unordered_map<uint64_t, std::vector<SymbolicFrame>> cache[2];  // [return_address]
  std::unordered_map<uint64_t, std::optional<NearestSymbol>> symbol_cache;

  Impl(const HeapModel& m, SymbolizerOptions o)
      : model(m), options(std::move(o)), debuginfo_path(debuginfo_path_for(options)) {
    modules.resize(model.modules.size());
    for (size_t i = 0; i < modules.size(); ++i) {
      const Module& module = model.modules[i];
      ModuleState& state = modules[i];
      state.module = &module;
      state.name = base_name(module.path);
      for (const auto& seg : module.segments)
        if (seg.end > seg.start) state.ranges.emplace_back(seg.start, seg.end);
      if (state.ranges.empty()) ranges_from_file(state);
    }
    index_ranges();
  }

  std::vector<ModuleProblem> problems;

  void note_problem(const Module& module, ModuleProblem problem) {
    if (options.warn)
      std::cerr << "leakdbg: warning: " << module_problem_text(problem, to_hex(module.build_id))
                << "\n";
    problems.push_back(std::move(problem));
  }

  std::string resolved_path(const Module& module) const {
    if (!options.sysroot.empty()) {
      std::string moved = options.sysroot + module.path;
      if (file_exists(moved)) return moved;
    }
    return module.path;
  }

  // Sources without segments (hand-built models, some imports): the file's own loadable
  // segments placed at the load bias.
  void ranges_from_file(ModuleState& state) {
    auto info = read_elf_info(resolved_path(*state.module));
    if (!info) return;
    uint64_t bias = info->is_pie_or_shared ? state.module->load_bias : 0;
    for (const auto& load : info->loads)
      if (load.memsz) state.ranges.emplace_back(bias + load.vaddr, bias + load.vaddr + load.memsz);
  }

  struct RangeEntry {
    uint64_t start = 0, end = 0;
    ModuleState* state = nullptr;
  };
  // Loaded modules never overlap each other; a dlclose'd module's range may since hold
  // another one, so unloaded modules are searched only when no loaded one matches.
  std::vector<RangeEntry> loaded_ranges, unloaded_ranges;

  void index_ranges() {
    for (auto& state : modules)
      for (const auto& [start, end] : state.ranges)
        (state.module->unloaded ? unloaded_ranges : loaded_ranges).push_back({start, end, &state});
    for (auto* list : {&loaded_ranges, &unloaded_ranges})
      std::sort(list->begin(), list->end(),
                [](const RangeEntry& a, const RangeEntry& b) { return a.start < b.start; });
  }

  static ModuleState* search(const std::vector<RangeEntry>& ranges, uint64_t address) {
    auto it = std::upper_bound(ranges.begin(), ranges.end(), address,
                               [](uint64_t a, const RangeEntry& r) { return a < r.start; });
    // Overlapping entries (several unloaded modules, bad input) are tried backwards.
    for (int tries = 0; tries < 8 && it != ranges.begin(); ++tries) {
      --it;
      if (address < it->end) return it->state;
    }
    return nullptr;
  }

  ModuleState* module_at(uint64_t address) {
    if (ModuleState* state = search(loaded_ranges, address)) return state;
    return search(unloaded_ranges, address);
  }

  DwarfModule* dwarf_of(ModuleState& state) {
    if (state.tried) return state.dwarf.get();
    state.tried = true;
    const Module& module = *state.module;
    // Pseudo-modules ([vdso], linux-vdso.so.1) and imported module names have no file to
    // read: offsets, no warning. A relative path ("./libplugin.so", from trackers that
    // recorded the loader's name as given) names a file nobody can find any more.
    if (module.path.empty() || module.path[0] != '/') {
      if (module.path.find('/') != std::string::npos)
        note_problem(module, {module.path, ModuleProblem::Kind::kRelativePath, ""});
      return nullptr;
    }
    std::string path = resolved_path(module);
    if (!file_exists(path)) {
      note_problem(module, {path, ModuleProblem::Kind::kNotFound, ""});
      return nullptr;
    }
    std::string error;
    auto dwarf = DwarfModule::open(path, module.load_bias, debuginfo_path, &error);
    if (!dwarf) {
      note_problem(module, {path, ModuleProblem::Kind::kUnreadable, error});
      return nullptr;
    }
    if (!module.build_id.empty() && dwarf->build_id() != module.build_id) {
      note_problem(module, {path, ModuleProblem::Kind::kBuildIdMismatch, dwarf->build_id()});
      return nullptr;
    }
    state.dwarf = std::move(dwarf);
    return state.dwarf.get();
  }

  std::vector<SymbolicFrame> resolve(uint64_t address, bool return_address) {
    uint64_t pc = return_address && address > 0 ? address - 1 : address;
    SymbolicFrame bare;
    bare.address = address;
    ModuleState* state = module_at(pc);
    if (!state) return {bare};
    bare.module = state->name;
    bare.offset = address - state->module->load_bias;
    DwarfModule* dwarf = dwarf_of(*state);
    std::vector<SymbolicFrame> frames;
    if (dwarf) frames = dwarf->lookup(pc);
    if (frames.empty()) return {bare};
    for (auto& frame : frames) {
      frame.address = address;
      frame.module = state->name;
      // Offsets count from the address itself, as WinDbg shows return addresses.
      if (return_address && pc != address) frame.offset += 1;
    }
    return frames;
  }
};

std::string module_problem_text(const ModuleProblem& problem,
                                const std::string& snapshot_build_id) {
  switch (problem.kind) {
    case ModuleProblem::Kind::kRelativePath:
      return problem.path +
             ": recorded by a relative path, so the file cannot be found; its frames show "
             "module+offset only";
    case ModuleProblem::Kind::kNotFound:
      return problem.path + ": not found; its frames show module+offset only (see --sysroot)";
    case ModuleProblem::Kind::kUnreadable:
      return problem.path + ": cannot read symbols (" + problem.detail +
             "); its frames show module+offset only";
    case ModuleProblem::Kind::kBuildIdMismatch:
      return problem.path + ": build-id " +
             (problem.detail.empty() ? "missing" : to_hex(problem.detail)) +
             " differs from the snapshot's " + snapshot_build_id +
             " (file replaced since?); its frames show module+offset only";
  }
  return problem.path;
}

const std::vector<ModuleProblem>& Symbolizer::module_problems() const { return impl_->problems; }

Symbolizer::Symbolizer(const HeapModel& model, SymbolizerOptions options)
    : impl_(std::make_unique<Impl>(model, std::move(options))) {}

Symbolizer::~Symbolizer() = default;

const std::vector<SymbolicFrame>& Symbolizer::frames_at(uint64_t address, bool return_address) {
  auto& cache = impl_->cache[return_address ? 1 : 0];
  auto it = cache.find(address);
  if (it == cache.end()) it = cache.emplace(address, impl_->resolve(address, return_address)).first;
  return it->second;
}

std::vector<SymbolicFrame> Symbolizer::frames_of(const Stack& stack) {
  if (!stack.symbols.empty()) return stack.symbols;
  std::vector<SymbolicFrame> frames;
  frames.reserve(stack.frames.size());
  for (uint64_t address : stack.frames) {
    const auto& resolved = frames_at(address, true);
    frames.insert(frames.end(), resolved.begin(), resolved.end());
  }
  return frames;
}

std::vector<SymbolicFrame> Symbolizer::frames_of(uint32_t stack_id) {
  const auto& stacks = impl_->model.stacks;
  auto it = std::lower_bound(stacks.begin(), stacks.end(), stack_id,
                             [](const Stack& s, uint32_t id) { return s.id < id; });
  if (stack_id == 0 || it == stacks.end() || it->id != stack_id) return {};
  return frames_of(*it);
}

std::optional<NearestSymbol> Symbolizer::nearest_symbol_name(uint64_t address) {
  auto [cached, inserted] = impl_->symbol_cache.try_emplace(address);
  if (!inserted) return cached->second;
  Impl::ModuleState* state = impl_->module_at(address);
  DwarfModule* dwarf = state ? impl_->dwarf_of(*state) : nullptr;
  if (!dwarf) return std::nullopt;
  const auto& symbols = dwarf->symbols();
  auto after = std::upper_bound(symbols.begin(), symbols.end(), address,
                                [](uint64_t a, const ModuleSymbol& s) { return a < s.start; });
  if (after == symbols.begin()) return std::nullopt;
  // Of several symbols at one start (best-ranked first), prefer one whose extent covers
  // the address.
  const uint64_t start = std::prev(after)->start;
  auto group = std::lower_bound(symbols.begin(), after, start,
                                [](const ModuleSymbol& s, uint64_t a) { return s.start < a; });
  auto best = group;
  for (auto it = group; it != after; ++it)
    if (address < it->start + it->size) {
      best = it;
      break;
    }
  NearestSymbol result;
  result.module = state->name;
  result.raw_name = best->raw_name;
  result.name = demangle(best->raw_name);
  result.start = best->start;
  result.size = best->size;
  if (after != symbols.end()) result.next = std::make_pair(demangle(after->raw_name), after->start);
  cached->second = result;
  return result;
}

std::optional<NearestSymbol> Symbolizer::nearest_symbol(uint64_t address, bool return_address) {
  uint64_t pc = return_address && address > 0 ? address - 1 : address;
  auto result = nearest_symbol_name(pc);
  if (!result) return result;
  const auto& frames = frames_at(address, return_address);
  if (!frames.empty()) {
    result->file = frames.front().file;
    result->line = frames.front().line;
    if (frames.size() > 1) result->inline_chain = frames;
  }
  return result;
}

std::vector<std::string> Symbolizer::symbols_at(uint64_t start) {
  std::vector<std::string> names;
  Impl::ModuleState* state = impl_->module_at(start);
  DwarfModule* dwarf = state ? impl_->dwarf_of(*state) : nullptr;
  if (!dwarf) return names;
  const auto& symbols = dwarf->symbols();
  auto it = std::lower_bound(symbols.begin(), symbols.end(), start,
                             [](const ModuleSymbol& s, uint64_t a) { return s.start < a; });
  for (; it != symbols.end() && it->start == start; ++it) names.push_back(demangle(it->raw_name));
  return names;
}

}  // namespace leakdbg
