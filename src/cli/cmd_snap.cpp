// `leakdbg snap PID [--label L]`: asks a tracked process for a snapshot now, through its
// control socket (tracker/control_client.h), and prints the new snapshot's path.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/option_values.h"
#include "tracker/control_client.h"
#include "util/terminal_text.h"

namespace leakdbg::cli {
namespace {

// A snapshot of millions of blocks takes about a second; allow for a loaded machine.
constexpr double kReplyTimeoutSeconds = 60;

Action setup_snap(CommandOptions& sub) {
  struct Args {
    std::string pid, label;
    bool reachability = false;
  };
  auto args = std::make_shared<Args>();
  sub.add_option("PID", args->pid, "Process started under `leakdbg run` (decimal)")->required();
  sub.add_option("--label", args->label, "Label stored in the snapshot");
  sub.add_flag("--reachability", args->reachability,
               "Classify every block as reachable or leaked in this snapshot");
  return [args]() {
    int pid = parse_pid_value(args->pid);
    std::cout << escape_control_chars(control::request_snapshot(
                     pid, args->label, kReplyTimeoutSeconds, args->reachability))
              << '\n';
    return 0;
  };
}

const Registration snap_registration("snap", setup_snap);

}  // namespace
}  // namespace leakdbg::cli
