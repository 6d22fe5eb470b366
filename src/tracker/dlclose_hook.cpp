// dlclose: the module list is refreshed before (so the closing object is known with its
// build-id and segments) and after (so it is marked unloaded and the unwinder forgets its
// code). dlopen is deliberately not intercepted: the loader resolves a relative name against
// the RUNPATH of dlopen's caller, and a hook would make the tracker that caller. New
// objects are picked up from the loader's add counter instead (see background.cpp).
#include "tracker/hook_support.h"
#include "tracker/module_registry.h"

using namespace leakdbg::tracker;

LEAKDBG_HOOK int dlclose(void* handle) {
  if (LEAKDBG_UNLIKELY(!real_functions_ready())) ensure_initialized();
  if (!should_record()) return g_real.dlclose(handle);
  RecursionGuard guard;
  refresh_modules();
  int result = g_real.dlclose(handle);
  ErrnoKeeper keep;
  refresh_modules();
  return result;
}
