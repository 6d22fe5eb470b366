// Call shapes the unwinder is tested on. Each shape calls probe(context) at its deepest
// point, from code compiled the way its file says (see CMakeLists.txt).
#pragma once

namespace unwind_test {

using Probe = void (*)(void* context);

// -O2 -fomit-frame-pointer (shapes_nofp.cpp)
void nofp_chain(Probe probe, void* context);                         // ten distinct functions
void nofp_recursion(int depth, Probe probe, void* context);          // one function, deep
void nofp_alloca(int depth, int bytes, Probe probe, void* context);  // RBP-based CFA
void nofp_vla(int depth, int count, Probe probe, void* context);     // RBP-based CFA
void nofp_mixed(int depth, Probe probe, void* context);              // alternating shapes
void nofp_raise_signal(int depth, int signal_number);                // raises in a nofp chain
void nofp_twins(int which, Probe probe, void* context);  // two callers, one stack pointer

// -O2 -fno-omit-frame-pointer (shapes_fp.cpp)
void fp_chain(Probe probe, void* context);
void fp_recursion(int depth, Probe probe, void* context);

}  // namespace unwind_test

// In a shared library linked by the test (shapes_shared.cpp, -O2 -fomit-frame-pointer).
extern "C" void unwind_test_shared_chain(int depth, unwind_test::Probe probe, void* context);
// In the dlopen'ed plugin (shapes_plugin.cpp): the same, looked up with dlsym.
using PluginChain = void (*)(int depth, unwind_test::Probe probe, void* context);
inline constexpr const char kPluginChainSymbol[] = "unwind_test_plugin_chain";
