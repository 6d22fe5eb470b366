// Loads a plugin (path in argv[1]), lets it allocate and keep 11 blocks, then unloads it:
// the blocks stay live with stacks inside the unloaded module.
#include <dlfcn.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  void* plugin = dlopen(argv[1], RTLD_NOW);
  if (!plugin) {
    std::fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  auto keep = reinterpret_cast<int (*)(int)>(dlsym(plugin, "plugin_keep_blocks"));
  if (!keep || keep(11) != 11) return 1;
  return dlclose(plugin) == 0 ? 0 : 1;
}
