#include "analysis/site_label.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "analysis/group_key.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"

namespace leakdbg::analysis {

namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "ntdll", "KERNELBASE.dll", "ucrtbase" -> "ntdll", "kernelbase", "ucrtbase".
std::string windows_module_stem(std::string_view module) {
  std::string stem = lowercase(module);
  if (stem.size() > 4 && stem.ends_with(".dll")) stem.resize(stem.size() - 4);
  return stem;
}

// Windows modules whose every frame is heap or CRT machinery as far as naming a site goes.
bool is_windows_runtime_module(std::string_view module) {
  static constexpr std::array<std::string_view, 9> kModules = {
      "ntdll",     "kernelbase", "kernel32", "msvcrt", "ucrtbase",
      "ucrtbased", "verifier",   "vfbasics", "vrfcore"};
  std::string stem = windows_module_stem(module);
  for (auto known : kModules)
    if (stem == known) return true;
  return stem.starts_with("msvcr") || stem.starts_with("vcruntime");
}

// The name without a return type, parameters or a leading "module!" part.
std::string_view bare_name(std::string_view function) {
  size_t paren = function.find('(');
  if (paren != std::string_view::npos && paren > 0) function = function.substr(0, paren);
  size_t space = function.rfind(' ');
  if (space != std::string_view::npos && !function.starts_with("operator"))
    function = function.substr(space + 1);
  return function;
}

// Heap and CRT entry points by name, for statically linked CRTs and heap stacks whose
// module names were not recorded.
bool is_windows_heap_function(std::string_view name) {
  static constexpr std::array<std::string_view, 30> kNames = {"RtlAllocateHeap",
                                                              "RtlpAllocateHeapInternal",
                                                              "RtlpAllocateHeap",
                                                              "RtlDebugAllocateHeap",
                                                              "RtlpCallInterceptRoutine",
                                                              "RtlLogStackBackTrace",
                                                              "RtlReAllocateHeap",
                                                              "RtlAllocateHeapSlowly",
                                                              "RtlpReAllocateHeapInternal",
                                                              "RtlpAllocateUserBlock",
                                                              "HeapAlloc",
                                                              "HeapReAlloc",
                                                              "LocalAlloc",
                                                              "GlobalAlloc",
                                                              "_malloc_base",
                                                              "_calloc_base",
                                                              "_realloc_base",
                                                              "_malloc_dbg",
                                                              "_calloc_dbg",
                                                              "_realloc_dbg",
                                                              "_nh_malloc",
                                                              "_nh_malloc_dbg",
                                                              "_heap_alloc",
                                                              "_heap_alloc_dbg",
                                                              "_heap_alloc_base",
                                                              "_recalloc",
                                                              "_strdup",
                                                              "_wcsdup",
                                                              "_aligned_malloc",
                                                              "_expand"};
  if (name.starts_with("AVrf") || name.starts_with("AVrfp")) return true;
  for (auto known : kNames)
    if (name == known) return true;
  return false;
}

bool is_leakdbg_frame(const SymbolicFrame& frame) {
  return frame.module.starts_with("libleakdbg") ||
         std::string_view(frame.function).starts_with("leakdbg::tracker::");
}

// The allocator proper (not the C++ library around it): what a stack made only of machinery
// is named past, so that a block the runtime allocated for itself names the runtime
// function that asked.
bool is_core_allocator(const SymbolicFrame& frame) {
  if (is_leakdbg_frame(frame)) return true;
  std::string_view function = frame.function;
  if (function.starts_with("operator new") || function.starts_with("operator delete")) return true;
  std::string_view name = bare_name(function);
  static constexpr std::array<std::string_view, 16> kNames = {
      "malloc",    "calloc",         "realloc",       "reallocarray",
      "memalign",  "posix_memalign", "aligned_alloc", "valloc",
      "pvalloc",   "strdup",         "strndup",       "__strdup",
      "__strndup", "__libc_malloc",  "__libc_calloc", "__libc_realloc"};
  for (auto known : kNames)
    if (name == known) return true;
  return is_windows_heap_function(name) || windows_module_stem(frame.module) == "ntdll";
}

std::string function_key(const SymbolicFrame& frame) { return frame.module + "!" + frame.function; }

// Per stack: which frames are skipped when looking for the site.
struct StackView {
  const std::vector<SymbolicFrame>* frames = nullptr;
  std::vector<bool> machinery;  // allocation machinery or a --alloc-fn match
};

class AllocFnMatcher {
 public:
  explicit AllocFnMatcher(const std::vector<std::string>& patterns)
      : patterns_(compile_alloc_fn_patterns(patterns)) {}

  bool matches(const std::string& function) {
    if (patterns_.empty() || function.empty()) return false;
    auto [it, inserted] = cache_.try_emplace(function, false);
    if (inserted)
      it->second = std::any_of(patterns_.begin(), patterns_.end(), [&](const std::regex& re) {
        return std::regex_search(function, re);
      });
    return it->second;
  }

 private:
  std::vector<std::regex> patterns_;
  std::unordered_map<std::string, bool> cache_;
};

// The first frame that is neither machinery nor a known wrapper; -1 if none.
int first_candidate(const StackView& view, const std::unordered_set<std::string>& wrappers) {
  const auto& frames = *view.frames;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (view.machinery[i]) continue;
    if (!frames[i].function.empty() && wrappers.count(function_key(frames[i]))) continue;
    return static_cast<int>(i);
  }
  return -1;
}

// Rounds of wrapper detection: a wrapper of a wrapper (xmalloc inside jv_mem_alloc) shows up
// once the inner one is skipped.
std::unordered_set<std::string> detect_wrappers(const std::vector<StackView>& views) {
  std::unordered_set<std::string> wrappers;
  for (int round = 0; round < 8; ++round) {
    struct Evidence {
      std::set<std::string> callers, lines;
    };
    std::map<std::string, Evidence> evidence;
    for (const StackView& view : views) {
      int i = first_candidate(view, wrappers);
      if (i < 0) continue;
      const auto& frames = *view.frames;
      const SymbolicFrame& frame = frames[static_cast<size_t>(i)];
      // A frame without a function name cannot be recognised again in other stacks, and a
      // frame with no caller has nothing to hand the label to.
      if (frame.function.empty() || static_cast<size_t>(i) + 1 >= frames.size()) continue;
      Evidence& e = evidence[function_key(frame)];
      e.callers.insert(frame_identity(frames[static_cast<size_t>(i) + 1]));
      e.lines.insert(frame.file + ":" + std::to_string(frame.line));
    }
    bool added = false;
    for (const auto& [key, e] : evidence)
      if (e.callers.size() >= kMinWrapperCallers && e.lines.size() == 1) {
        wrappers.insert(key);
        added = true;
      }
    if (!added) break;
  }
  return wrappers;
}

SiteLabel base_label(const StackView& view, const std::unordered_set<std::string>& wrappers) {
  SiteLabel label;
  const auto& frames = *view.frames;
  if (frames.empty()) return label;
  int i = first_candidate(view, wrappers);
  // The nearest skipped wrapper inward of the site frame.
  int limit = i < 0 ? static_cast<int>(frames.size()) : i;
  for (int k = limit - 1; k >= 0; --k) {
    const SymbolicFrame& f = frames[static_cast<size_t>(k)];
    if (!view.machinery[static_cast<size_t>(k)] && !f.function.empty() &&
        wrappers.count(function_key(f))) {
      label.wrapper = k;
      break;
    }
  }
  if (i >= 0) {
    label.frame = i;
    return label;
  }
  // Nothing outward of the wrappers but machinery: the wrapper is the best name there is.
  if (label.wrapper >= 0) {
    label.frame = label.wrapper;
    label.wrapper = -1;
    return label;
  }
  // Only machinery: name the innermost frame past the allocator proper, so that a block the
  // runtime allocated for itself names the runtime function that asked for it; with nothing
  // but the allocator, its outermost frame (what was called).
  for (size_t k = 0; k < frames.size(); ++k)
    if (!is_core_allocator(frames[k])) {
      label.frame = static_cast<int>(k);
      return label;
    }
  label.frame = static_cast<int>(frames.size()) - 1;
  return label;
}

std::string identity_at(const std::vector<SymbolicFrame>& frames, long index) {
  if (index < 0 || static_cast<size_t>(index) >= frames.size()) return "\n(end)";
  return frame_identity(frames[static_cast<size_t>(index)]);
}

// Splits a group of stacks with one site frame by the first caller that differs, going
// outward; when every caller is shared, by the first frame inward of the site that differs.
void tell_apart(const std::vector<StackView>& views, std::vector<SiteLabel>& labels,
                std::vector<size_t> group, long depth, bool inward) {
  while (group.size() > 1) {
    std::map<std::string, std::vector<size_t>> parts;
    bool all_ended = true;
    for (size_t s : group) {
      const auto& frames = *views[s].frames;
      long index = labels[s].frame + (inward ? -depth : depth);
      if (index >= 0 && static_cast<size_t>(index) < frames.size()) all_ended = false;
      parts[identity_at(frames, index)].push_back(s);
    }
    if (all_ended) {
      if (!inward) tell_apart(views, labels, std::move(group), 1, true);
      return;  // identical stacks: one site as far as any frame can say
    }
    if (parts.size() == 1) {
      ++depth;
      continue;
    }
    for (size_t s : group) {
      long index = labels[s].frame + (inward ? -depth : depth);
      if (index < 0 || static_cast<size_t>(index) >= views[s].frames->size()) continue;
      (inward ? labels[s].via : labels[s].from) = static_cast<int>(index);
    }
    for (auto& [identity, members] : parts)
      if (members.size() > 1) tell_apart(views, labels, std::move(members), depth + 1, inward);
    return;
  }
}

std::vector<bool> machinery_of(const std::vector<SymbolicFrame>& frames, AllocFnMatcher& matcher) {
  std::vector<bool> machinery(frames.size());
  for (size_t i = 0; i < frames.size(); ++i)
    machinery[i] = is_allocation_machinery(frames[i]) || matcher.matches(frames[i].function);
  return machinery;
}

}  // namespace

std::vector<std::regex> compile_alloc_fn_patterns(const std::vector<std::string>& patterns) {
  std::vector<std::regex> compiled;
  for (const std::string& pattern : patterns) {
    try {
      compiled.emplace_back(pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      throw Error("--alloc-fn '" + pattern + "' is not a valid regular expression: " + e.what());
    }
  }
  return compiled;
}

bool is_allocation_machinery(const SymbolicFrame& frame) {
  if (is_runtime_frame(frame) || is_leakdbg_frame(frame)) return true;
  // Inline expansions from system headers (glibc's fortified string functions and the
  // like) belong to the library, not to the program.
  if (std::string_view(frame.file).starts_with("/usr/include/")) return true;
  if (is_windows_runtime_module(frame.module)) return true;
  return is_windows_heap_function(bare_name(frame.function));
}

std::vector<SiteLabel> label_sites(const std::vector<const std::vector<SymbolicFrame>*>& stacks,
                                   const SiteLabelOptions& options) {
  AllocFnMatcher matcher(options.alloc_fn_patterns);
  std::vector<StackView> views(stacks.size());
  for (size_t s = 0; s < stacks.size(); ++s) {
    views[s].frames = stacks[s];
    views[s].machinery = machinery_of(*stacks[s], matcher);
  }
  std::unordered_set<std::string> wrappers = detect_wrappers(views);
  std::vector<SiteLabel> labels(stacks.size());
  std::map<std::string, std::vector<size_t>> by_site_frame;
  for (size_t s = 0; s < stacks.size(); ++s) {
    labels[s] = base_label(views[s], wrappers);
    if (labels[s].frame >= 0) by_site_frame[identity_at(*stacks[s], labels[s].frame)].push_back(s);
  }
  for (auto& [identity, group] : by_site_frame)
    if (group.size() > 1) tell_apart(views, labels, std::move(group), 1, false);
  return labels;
}

SiteLabel label_single_site(const std::vector<SymbolicFrame>& frames,
                            const SiteLabelOptions& options) {
  AllocFnMatcher matcher(options.alloc_fn_patterns);
  StackView view{&frames, machinery_of(frames, matcher)};
  return base_label(view, {});
}

}  // namespace leakdbg::analysis
