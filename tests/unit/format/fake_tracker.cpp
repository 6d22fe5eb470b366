// A stand-in for libleakdbg.so in the command-line tests of `leakdbg run`: preloaded like the
// real tracker, it writes one snapshot at start-up (so however the program ends) whose label
// records the environment it was given: the tests check what `run` passed on without
// depending on the real tracker.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "format/snapshot_writer.h"
#include "tracker/control_protocol.h"

namespace {

std::string env_or_dash(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "-";
}

__attribute__((constructor)) void write_start_snapshot() {
  using namespace leakdbg;
  const char* dir = std::getenv(control::kEnvOutputDir);
  if (!dir) return;
  std::string label = std::string("interval=") + env_or_dash(control::kEnvInterval) +
                      " frames=" + env_or_dash(control::kEnvMaxFrames) +
                      " follow=" + env_or_dash(control::kEnvFollowExec) +
                      " fork=" + env_or_dash(control::kEnvFork) +
                      " preload=" + env_or_dash("LD_PRELOAD");
  std::string strings = std::string("/fake") + '\0' + label + '\0' + "/" + '\0';
  fmt::MetaRecord meta{};
  meta.pid = static_cast<uint32_t>(getpid());
  meta.sequence = 1;
  meta.trigger = static_cast<uint8_t>(fmt::Trigger::kApi);
  meta.strings_size = static_cast<uint32_t>(strings.size());
  fmt::SnapshotWriter w;
  bool ok = w.open(dir, "0001-api.ldsnap") && w.begin_section(fmt::SectionType::kMeta) &&
            w.write(&meta, sizeof meta) && w.write(strings.data(), strings.size()) &&
            w.end_section() && w.finish();
  if (!ok) _exit(99);
}

}  // namespace
