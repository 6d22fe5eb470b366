// The C++ runtime (libstdc++'s exception support, guards and terminate handler) and libgcc
// are linked statically into the tracker, so that a tracked C program never loads
// libstdc++.so (whose emergency exception pool is a never-freed 71 KiB block, and whose TLS
// grows every thread's DTV). The link wraps their calls of the C allocator (--wrap): the
// runtime's own blocks, such as that pool, belong to the tracker and are never recorded as
// the program's. The tracker's own code allocates through raw_memory and never reaches these.
#include <cstddef>
#include <cstdlib>

#include "tracker/thread_state.h"

using leakdbg::tracker::RecursionGuard;

extern "C" {

void* __wrap_malloc(size_t size) {
  RecursionGuard guard;
  return malloc(size);
}

void* __wrap_calloc(size_t count, size_t size) {
  RecursionGuard guard;
  return calloc(count, size);
}

void* __wrap_realloc(void* p, size_t size) {
  RecursionGuard guard;
  return realloc(p, size);
}

void __wrap_free(void* p) {
  RecursionGuard guard;
  free(p);
}

}  // extern "C"
