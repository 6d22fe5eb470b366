// Which frame of an allocation stack names its call site. The innermost frame is almost
// never it: below the program's own code sit malloc, operator new, std::allocator and the
// containers' and strings' internals, the Windows heap (ntdll, kernelbase, the CRT,
// Application Verifier) and the program's own forwarding wrappers (xmalloc, jv_mem_alloc).
// A site is labelled by its first frame outside all of that, so that sites that only share
// a wrapper print apart.
//
// Labelling works on the whole set of stacks at once because a forwarding wrapper is only
// recognisable as one from many stacks: a function that is the innermost non-machinery
// frame of stacks with at least kMinWrapperCallers different callers, allocating at a
// single line of its own. Sites whose labels still collide are told apart by the first
// caller that differs, or, with identical callers, by the first machinery frame that
// differs (a list node and the string inside it, allocated on one line).
#pragma once

#include <cstddef>
#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg::analysis {

// A function reached from this many distinct call positions, at one line of its own, is a
// forwarding wrapper.
inline constexpr size_t kMinWrapperCallers = 3;

struct SiteLabelOptions {
  // The user's own allocation functions (`--alloc-fn REGEX`), matched against the whole
  // demangled function name (std::regex_search, ECMAScript).
  std::vector<std::string> alloc_fn_patterns;
};

// Throws leakdbg::Error naming the pattern when one does not compile.
std::vector<std::regex> compile_alloc_fn_patterns(const std::vector<std::string>& patterns);

// Allocator or runtime machinery, whatever the program: malloc and friends, operator
// new/delete, the C++ library (std::, __gnu_cxx::, its headers), leakdbg's own frames, and
// the Windows heap stack (ntdll Rtl*Heap, kernelbase/kernel32 HeapAlloc, msvcrt/ucrtbase
// malloc, verifier!AVrf*).
bool is_allocation_machinery(const SymbolicFrame& frame);

// Where a site's name comes from, as indexes into its frames (innermost first); -1: none.
struct SiteLabel {
  int frame = -1;  // the site frame; -1 only for an empty stack
  // Set only when another site's frame is the same: the first caller (outward of `frame`)
  // that tells them apart, or, when every caller is shared, the first frame inward of
  // `frame` that does ("via").
  int from = -1;
  int via = -1;
  // The skipped forwarding wrapper nearest to the site frame, if any (for "through X").
  int wrapper = -1;

  bool operator==(const SiteLabel&) const = default;
};

// Labels every stack of one report. Stacks are innermost first; the result is parallel to
// `stacks`. Deterministic: depends only on the stacks' contents and order-independent sets.
std::vector<SiteLabel> label_sites(const std::vector<const std::vector<SymbolicFrame>*>& stacks,
                                   const SiteLabelOptions& options = {});

// The label of one stack seen alone: no wrapper detection, no collisions. For places that
// name a single block's site.
SiteLabel label_single_site(const std::vector<SymbolicFrame>& frames,
                            const SiteLabelOptions& options = {});

// The site frame of a labelled stack, nullptr when there is none.
inline const SymbolicFrame* site_frame_of(const std::vector<SymbolicFrame>& frames,
                                          const SiteLabel& label) {
  return label.frame >= 0 && static_cast<size_t>(label.frame) < frames.size()
             ? &frames[static_cast<size_t>(label.frame)]
             : nullptr;
}

}  // namespace leakdbg::analysis
