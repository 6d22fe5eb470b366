#include "tracker/config.h"

#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tracker/control_protocol.h"

namespace leakdbg::tracker {
namespace {

bool copy_string(char* out, size_t out_size, const char* value) {
  size_t length = std::strlen(value);
  if (length + 1 > out_size) return false;
  std::memcpy(out, value, length + 1);
  return true;
}

}  // namespace

void warn(const char* format, ...) {
  char line[1024] = "leakdbg: ";
  size_t prefix = std::strlen(line);
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(line + prefix, sizeof line - prefix - 1, format, args);
  va_end(args);
  size_t length = prefix + (n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof line - prefix - 2));
  line[length++] = '\n';
  ssize_t ignored = write(2, line, length);
  (void)ignored;
}

bool parse_reachability(const char* value, unsigned* triggers) {
  unsigned bits = 0;
  const char* p = value;
  while (*p) {
    const char* end = std::strchr(p, ',');
    const size_t length = end ? size_t(end - p) : std::strlen(p);
    auto is = [&](const char* word) {
      return std::strlen(word) == length && std::strncmp(p, word, length) == 0;
    };
    if (is("none"))
      bits |= 0;
    else if (is("exit"))
      bits |= Config::kReachExit;
    else if (is("requested"))
      bits |= Config::kReachRequested;
    else if (is("interval"))
      bits |= Config::kReachInterval;
    else if (is("all"))
      bits |= Config::kReachExit | Config::kReachRequested | Config::kReachInterval;
    else
      return false;
    p += length;
    if (*p == ',') ++p;
  }
  *triggers = bits;
  return true;
}

void read_config(Config& config) {
  using namespace control;
  config = Config{};
  if (const char* dir = getenv(kEnvOutputDir); dir && *dir) {
    if (!copy_string(config.output_dir, sizeof config.output_dir, dir))
      warn("%s is too long; not tracking", kEnvOutputDir);
  }
  if (const char* value = getenv(kEnvInterval); value && *value) {
    char* end = nullptr;
    double seconds = std::strtod(value, &end);
    if (end == value || *end != '\0' || !(seconds >= 0) || seconds > 1e7)
      warn("ignoring %s=%s (want seconds >= 0)", kEnvInterval, value);
    else
      config.interval_seconds = seconds;
  }
  if (const char* value = getenv(kEnvMaxFrames); value && *value) {
    char* end = nullptr;
    long frames = std::strtol(value, &end, 10);
    if (end == value || *end != '\0' || frames < 1 || frames > 256)
      warn("ignoring %s=%s (want 1..256)", kEnvMaxFrames, value);
    else
      config.max_frames = static_cast<int>(frames);
  }
  if (const char* value = getenv(kEnvFollowExec)) config.follow_exec = std::strcmp(value, "1") == 0;
  if (const char* value = getenv(kEnvFork); value && *value) {
    if (std::strcmp(value, "stop") == 0)
      config.fork_continue = false;
    else if (std::strcmp(value, "continue") != 0)
      warn("ignoring %s=%s (want continue or stop)", kEnvFork, value);
  }
  if (const char* value = getenv(kEnvUnwinder); value && *value) {
    if (std::strcmp(value, "none") == 0)
      config.unwinder = unwind::Mode::kNone;
    else if (std::strcmp(value, "libunwind") == 0)
      config.unwinder = unwind::Mode::kLibunwind;
    else if (std::strcmp(value, "fast") != 0)
      warn("ignoring %s=%s (want fast, libunwind or none)", kEnvUnwinder, value);
  }
  if (const char* value = getenv(kEnvLiveSet); value && *value) {
    if (std::strcmp(value, "table") == 0)
      config.heap_shadow = false;
    else if (std::strcmp(value, "shadow") != 0)
      warn("ignoring %s=%s (want shadow or table)", kEnvLiveSet, value);
  }
  if (const char* value = getenv(kEnvSampleMs); value && *value) {
    char* end = nullptr;
    long ms = std::strtol(value, &end, 10);
    if (end == value || *end != '\0' || ms < 1 || ms > 100000)
      warn("ignoring %s=%s (want 1..100000)", kEnvSampleMs, value);
    else
      config.sample_ms = static_cast<int>(ms);
  }
  if (const char* value = getenv(kEnvReachability); value && *value) {
    if (!parse_reachability(value, &config.reachability_triggers))
      warn("ignoring %s=%s (want exit, requested, interval, all or none)", kEnvReachability, value);
  }
  if (const char* value = getenv(kEnvSocketDir); value && *value) {
    copy_string(config.socket_dir, sizeof config.socket_dir, value);
  } else if (const char* runtime = getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
    std::snprintf(config.socket_dir, sizeof config.socket_dir, "%s/leakdbg", runtime);
  } else {
    std::snprintf(config.socket_dir, sizeof config.socket_dir, "/tmp/leakdbg-%u",
                  static_cast<unsigned>(getuid()));
  }
}

}  // namespace leakdbg::tracker
