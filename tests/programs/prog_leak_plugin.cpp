// Host of a dlopen'ed configuration plugin that keeps a copy of every value it parses
// (plugin_leak/config_plugin.cpp). Feeds it configuration lines for --seconds S (default 3).
#include <dlfcn.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "program_options.h"

namespace {

std::string plugin_path(const char* argv0) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string dir = n > 0 ? std::string(self, static_cast<size_t>(n)) : std::string(argv0);
  return dir.substr(0, dir.rfind('/') + 1) + "libleak_config_plugin.so";
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = program_options::seconds(argc, argv, 3.0);
  std::string path = plugin_path(argv[0]);
  void* plugin = dlopen(path.c_str(), RTLD_NOW);
  if (!plugin) {
    std::fprintf(stderr, "cannot load %s: %s\n", path.c_str(), dlerror());
    return 1;
  }
  auto parse = reinterpret_cast<void (*)(const char*)>(dlsym(plugin, "config_parse"));
  auto count = reinterpret_cast<size_t (*)()>(dlsym(plugin, "config_values"));
  if (!parse || !count) return 1;

  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  char line[256];
  for (unsigned i = 0; std::chrono::steady_clock::now() < end; ++i) {
    std::snprintf(line, sizeof line,
                  "option_%u=/srv/application/configuration/section_%u/value_with_a_long_"
                  "path_%u/and/more/text/to/keep",
                  i, i % 97, i);
    parse(line);
    std::this_thread::sleep_for(std::chrono::microseconds(1500));
  }
  std::printf("%zu values kept\n", count());
  return 0;
}
