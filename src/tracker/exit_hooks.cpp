// _exit and _Exit end the process without static destructors, so the library destructor
// that takes the exit snapshot never runs: take it here. Programs call them after fork
// (children that do their work and leave) and to skip slow teardown.
#include "tracker/final_snapshot.h"
#include "tracker/hook_support.h"

using namespace leakdbg::tracker;

namespace {

[[noreturn]] void leave(void (*real)(int), int status) {
  if (LEAKDBG_UNLIKELY(!real_functions_ready())) ensure_initialized();
  if (!RecursionGuard::active()) take_final_snapshot("");
  real(status);
  __builtin_unreachable();
}

}  // namespace

LEAKDBG_HOOK void _exit(int status) { leave(g_real.exit_, status); }
LEAKDBG_HOOK void _Exit(int status) { leave(g_real.exit_upper, status); }
