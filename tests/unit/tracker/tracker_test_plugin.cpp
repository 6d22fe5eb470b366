// A plugin for prog_tracker_plugin: keeps N blocks that outlive its own unloading.
#include <cstdlib>

namespace {
void* kept[64];
__attribute__((noinline)) void* plugin_allocate(int i) { return std::malloc(48 + i); }
}  // namespace

extern "C" __attribute__((visibility("default"))) int plugin_keep_blocks(int count) {
  int kept_count = 0;
  for (int i = 0; i < count && i < 64; ++i)
    if ((kept[i] = plugin_allocate(i)) != nullptr) ++kept_count;
  return kept_count;
}
