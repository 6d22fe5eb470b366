// Loads its plugin by a relative path (chdir to the plugin's folder, then
// dlopen("./libc_relative_plugin.so")), feeds it records it keeps for ever, and moves to
// "/" before exiting: the recorded module must still name the file, from any directory.
// Usage: prog_c_relative_plugin PLUGIN_DIR [RECORDS]
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PLUGIN_DIR [RECORDS]\n", argv[0]);
    return 2;
  }
  int records = argc > 2 ? atoi(argv[2]) : 50;
  if (chdir(argv[1]) != 0) {
    perror(argv[1]);
    return 1;
  }
  void* plugin = dlopen("./libc_relative_plugin.so", RTLD_NOW);
  if (!plugin) {
    fprintf(stderr, "cannot load the plugin: %s\n", dlerror());
    return 1;
  }
  size_t (*keep)(const char*) = (size_t(*)(const char*))dlsym(plugin, "plugin_keep");
  if (!keep) return 1;
  char line[128];
  for (int i = 0; i < records; ++i) {
    snprintf(line, sizeof line, "record %d of a plugin that keeps everything it is given", i);
    keep(line);
  }
  if (chdir("/") != 0) return 1;
  return 0;
}
