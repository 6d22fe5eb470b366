// leakdbg-demo: a host program that loads a configuration plugin and feeds it generated
// configuration texts for a few seconds, while its own memory churns without leaking.
// The plugin (libdemo_plugin.so) leaks: leakdbg's bundled demo finds where.
//
//   leakdbg-demo [--duration SECONDS] [--rate CONFIGS_PER_SECOND] [--plugin PATH]
#include <dlfcn.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "plugin_api.h"

namespace {

struct Options {
  double duration = 3.0;
  double rate = 2000.0;
  std::string plugin;
};

[[noreturn]] void usage(const char* problem) {
  std::fprintf(
      stderr,
      "leakdbg-demo: %s\nusage: leakdbg-demo [--duration SECONDS] [--rate N] [--plugin PATH]\n",
      problem);
  std::exit(2);
}

double parse_positive(const char* text, const char* option) {
  char* end = nullptr;
  double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(value > 0))
    usage((std::string(option) + " needs a positive number").c_str());
  return value;
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) usage(("unknown or incomplete option " + arg).c_str());
    if (arg == "--duration")
      options.duration = parse_positive(argv[++i], "--duration");
    else if (arg == "--rate")
      options.rate = parse_positive(argv[++i], "--rate");
    else if (arg == "--plugin")
      options.plugin = argv[++i];
    else
      usage(("unknown option " + arg).c_str());
  }
  return options;
}

// The plugin sits beside the tracker: <bin>/../lib/leakdbg/ in the build tree and under the
// install prefix (whose library folder may be multiarch).
std::string default_plugin_path() {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "libdemo_plugin.so";
  std::string dir(exe, static_cast<size_t>(n));
  dir = dir.substr(0, dir.rfind('/'));
  for (const char* sub : {"/../lib/leakdbg/", "/../" LEAKDBG_TRACKER_SUBDIR "/"}) {
    std::string path = dir + sub + "libdemo_plugin.so";
    if (access(path.c_str(), R_OK) == 0) return path;
  }
  return "libdemo_plugin.so";
}

// Configuration texts as a service would receive them: two [base] values (always 47
// characters), a few options, and now and then a malformed line.
std::string make_config(uint64_t n, std::mt19937_64& random) {
  char url[64], dir[64];
  std::snprintf(url, sizeof url, "https://config.example.internal/nodes/n%08llu",
                static_cast<unsigned long long>(n % 100000000));
  std::snprintf(dir, sizeof dir, "/var/cache/demo-service/shards/s%016llx",
                static_cast<unsigned long long>(random() & 0xffffffffffffull));
  std::string text = "# generated\n[base]\nserver_url = ";
  text += std::string(url).substr(0, 47);
  text += "\ncache_dir = ";
  text += std::string(dir).substr(0, 47);
  text += "\n[options]\nretries = " + std::to_string(random() % 8) +
          "\ntimeout_ms = " + std::to_string(100 + random() % 900) + "\n";
  if (n % 100 == 99) text += "this line is malformed\n";
  return text;
}

// Work that allocates and frees without leaking: a bounded log of recent messages and
// scratch buffers of assorted sizes.
class Churn {
 public:
  void step(std::mt19937_64& random) {
    std::vector<char> scratch(64 + random() % 4000, 'x');
    recent_.push_back(std::string(scratch.data(), 20 + random() % 200));
    if (recent_.size() > 256) recent_.pop_front();
    std::unique_ptr<double[]> numbers(new double[16 + random() % 256]);
    numbers[0] = static_cast<double>(scratch.size());
    sink_ += numbers[0];
  }
  double sink() const { return sink_; }

 private:
  std::deque<std::string> recent_;
  double sink_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options options = parse_options(argc, argv);
  if (options.plugin.empty()) options.plugin = default_plugin_path();
  void* handle = dlopen(options.plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::fprintf(stderr, "leakdbg-demo: cannot load plugin: %s\n", dlerror());
    return 1;
  }
  auto create = reinterpret_cast<demo::ConfigPlugin* (*)()>(dlsym(handle, kDemoCreateSymbol));
  if (!create) {
    std::fprintf(stderr, "leakdbg-demo: %s has no %s\n", options.plugin.c_str(), kDemoCreateSymbol);
    return 1;
  }
  demo::ConfigPlugin* plugin = create();

  // Paced in 10 ms slices so that the rate holds whatever the machine's speed.
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(options.duration);
  const double per_slice = options.rate / 100.0;
  std::mt19937_64 random(42);
  Churn churn;
  uint64_t configs = 0, malformed = 0;
  double owed = 0;
  for (auto slice = start; slice < end; slice += std::chrono::milliseconds(10)) {
    owed += per_slice;
    for (; owed >= 1.0; owed -= 1.0) {
      if (!plugin->parse(make_config(configs++, random))) ++malformed;
      churn.step(random);
    }
    std::this_thread::sleep_until(slice + std::chrono::milliseconds(10));
  }
  std::printf(
      "leakdbg-demo: parsed %llu configurations (%llu malformed), plugin holds %zu settings\n",
      static_cast<unsigned long long>(configs), static_cast<unsigned long long>(malformed),
      plugin->settings());
  return churn.sink() > 0 ? 0 : 1;
}
