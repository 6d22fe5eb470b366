// Cold symbolization of a whole snapshot: a fresh Symbolizer resolves every frame of every
// stack the snapshot holds, as heaptrack_interpret resolves every instruction pointer of a
// trace. Prints the distinct addresses, the frames they gave and the seconds it took.
//
//   snapshot_symbolize_bench SNAPSHOT
#include <chrono>
#include <cstdio>
#include <set>
#include <string>

#include "format/snapshot_reader.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"

int main(int argc, char** argv) {
  using namespace leakdbg;
  if (argc != 2) {
    std::fprintf(stderr, "usage: snapshot_symbolize_bench SNAPSHOT\n");
    return 2;
  }
  try {
    auto start = std::chrono::steady_clock::now();
    HeapModel model = fmt::read_snapshot(argv[1]);
    auto loaded = std::chrono::steady_clock::now();
    std::set<uint64_t> distinct;
    for (const Stack& stack : model.stacks)
      distinct.insert(stack.frames.begin(), stack.frames.end());
    SymbolizerOptions options;
    options.warn = false;
    Symbolizer symbolizer(model, options);
    uint64_t frames = 0, with_line = 0;
    for (const Stack& stack : model.stacks)
      for (const SymbolicFrame& frame : symbolizer.frames_of(stack)) {
        ++frames;
        if (frame.line) ++with_line;
      }
    auto done = std::chrono::steady_clock::now();
    std::printf("%s: %zu stacks, %zu distinct addresses -> %llu frames (%llu with file:line)\n",
                argv[1], model.stacks.size(), distinct.size(),
                static_cast<unsigned long long>(frames),
                static_cast<unsigned long long>(with_line));
    std::printf("  read %.3f s, symbolize %.3f s\n",
                std::chrono::duration<double>(loaded - start).count(),
                std::chrono::duration<double>(done - loaded).count());
  } catch (const Error& e) {
    std::fprintf(stderr, "snapshot_symbolize_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
