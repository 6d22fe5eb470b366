/* leakdbg program API: ask the tracker for a snapshot from inside the program.
 *
 *   #include <leakdbg/leakdbg.h>
 *   leakdbg_snapshot("after warm-up");
 *
 * Header-only, C and C++. Without the tracker (not run under `leakdbg run`, or tracking
 * switched off) every call is a cheap no-op returning -1. Link with -ldl on C libraries
 * older than glibc 2.34. */
#ifndef LEAKDBG_LEAKDBG_H
#define LEAKDBG_LEAKDBG_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* RTLD_DEFAULT */
#endif
#include <dlfcn.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*leakdbg_snapshot_fn)(const char* label);

/* The tracker's entry point, looked up once (a racing first call just looks it up twice). */
static inline leakdbg_snapshot_fn leakdbg_snapshot_entry(void) {
  static leakdbg_snapshot_fn entry;
  static int looked_up;
  if (!__atomic_load_n(&looked_up, __ATOMIC_ACQUIRE)) {
    leakdbg_snapshot_fn found;
    *(void**)(&found) = dlsym(RTLD_DEFAULT, "leakdbg_tracker_snapshot");
    __atomic_store_n(&entry, found, __ATOMIC_RELAXED);
    __atomic_store_n(&looked_up, 1, __ATOMIC_RELEASE);
  }
  return __atomic_load_n(&entry, __ATOMIC_RELAXED);
}

/* Writes a snapshot with trigger "api" and this label; returns 0 if one was written. */
static inline int leakdbg_snapshot(const char* label) {
  leakdbg_snapshot_fn entry = leakdbg_snapshot_entry();
  return entry ? entry(label ? label : "") : -1;
}

#ifdef __cplusplus
}
#endif

#endif /* LEAKDBG_LEAKDBG_H */
