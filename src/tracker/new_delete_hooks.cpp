// Every operator new/delete form. The allocating forms call the C++ runtime's own operator
// (found with RTLD_NEXT) so that new_handler loops, std::bad_alloc and nothrow behave exactly
// as without the tracker; its inner malloc call runs under the recursion guard and is not
// recorded twice. Each block remembers which form made it, so releases through the wrong
// form are counted.
#include <cstddef>
#include <new>

#include "tracker/hook_support.h"

using namespace leakdbg::tracker;
using leakdbg::fmt::ApiKind;

namespace {

template <class RealCall>
void* allocate(size_t size, ApiKind api, RealCall call) {
  return allocate_and_record(size, api, call);
}

template <class RealCall>
void release(void* p, ReleaseKind kind, RealCall call) {
  if (p) forget_and_release(p, kind, call);
}

}  // namespace

#define LEAKDBG_OPERATOR __attribute__((visibility("default")))

LEAKDBG_OPERATOR void* operator new(size_t size) {
  return allocate(size, ApiKind::kNew, [&] { return g_real.new_(size); });
}
LEAKDBG_OPERATOR void* operator new[](size_t size) {
  return allocate(size, ApiKind::kNewArray, [&] { return g_real.new_array(size); });
}
LEAKDBG_OPERATOR void* operator new(size_t size, const std::nothrow_t& tag) noexcept {
  return allocate(size, ApiKind::kNew, [&] { return g_real.new_nothrow(size, tag); });
}
LEAKDBG_OPERATOR void* operator new[](size_t size, const std::nothrow_t& tag) noexcept {
  return allocate(size, ApiKind::kNewArray, [&] { return g_real.new_array_nothrow(size, tag); });
}
LEAKDBG_OPERATOR void* operator new(size_t size, std::align_val_t alignment) {
  return allocate(size, ApiKind::kNewAligned, [&] { return g_real.new_aligned(size, alignment); });
}
LEAKDBG_OPERATOR void* operator new[](size_t size, std::align_val_t alignment) {
  return allocate(size, ApiKind::kNewArrayAligned,
                  [&] { return g_real.new_array_aligned(size, alignment); });
}
LEAKDBG_OPERATOR void* operator new(size_t size, std::align_val_t alignment,
                                    const std::nothrow_t& tag) noexcept {
  return allocate(size, ApiKind::kNewAligned,
                  [&] { return g_real.new_aligned_nothrow(size, alignment, tag); });
}
LEAKDBG_OPERATOR void* operator new[](size_t size, std::align_val_t alignment,
                                      const std::nothrow_t& tag) noexcept {
  return allocate(size, ApiKind::kNewArrayAligned,
                  [&] { return g_real.new_array_aligned_nothrow(size, alignment, tag); });
}

// Sized and nothrow deletes release through the plain form of their family: valid for every
// block that family allocated, and the size is not needed by the runtimes we forward to.
LEAKDBG_OPERATOR void operator delete(void* p) noexcept {
  release(p, ReleaseKind::kDelete, [&] { g_real.delete_(p); });
}
LEAKDBG_OPERATOR void operator delete[](void* p) noexcept {
  release(p, ReleaseKind::kDeleteArray, [&] { g_real.delete_array(p); });
}
LEAKDBG_OPERATOR void operator delete(void* p, size_t) noexcept {
  release(p, ReleaseKind::kDelete, [&] { g_real.delete_(p); });
}
LEAKDBG_OPERATOR void operator delete[](void* p, size_t) noexcept {
  release(p, ReleaseKind::kDeleteArray, [&] { g_real.delete_array(p); });
}
LEAKDBG_OPERATOR void operator delete(void* p, const std::nothrow_t&) noexcept {
  release(p, ReleaseKind::kDelete, [&] { g_real.delete_(p); });
}
LEAKDBG_OPERATOR void operator delete[](void* p, const std::nothrow_t&) noexcept {
  release(p, ReleaseKind::kDeleteArray, [&] { g_real.delete_array(p); });
}
LEAKDBG_OPERATOR void operator delete(void* p, std::align_val_t alignment) noexcept {
  release(p, ReleaseKind::kDeleteAligned, [&] { g_real.delete_aligned(p, alignment); });
}
LEAKDBG_OPERATOR void operator delete[](void* p, std::align_val_t alignment) noexcept {
  release(p, ReleaseKind::kDeleteArrayAligned, [&] { g_real.delete_array_aligned(p, alignment); });
}
LEAKDBG_OPERATOR void operator delete(void* p, size_t, std::align_val_t alignment) noexcept {
  release(p, ReleaseKind::kDeleteAligned, [&] { g_real.delete_aligned(p, alignment); });
}
LEAKDBG_OPERATOR void operator delete[](void* p, size_t, std::align_val_t alignment) noexcept {
  release(p, ReleaseKind::kDeleteArrayAligned, [&] { g_real.delete_array_aligned(p, alignment); });
}
LEAKDBG_OPERATOR void operator delete(void* p, std::align_val_t alignment,
                                      const std::nothrow_t&) noexcept {
  release(p, ReleaseKind::kDeleteAligned, [&] { g_real.delete_aligned(p, alignment); });
}
LEAKDBG_OPERATOR void operator delete[](void* p, std::align_val_t alignment,
                                        const std::nothrow_t&) noexcept {
  release(p, ReleaseKind::kDeleteArrayAligned, [&] { g_real.delete_array_aligned(p, alignment); });
}
