// The `leakdbg` command line as a function, so that tests run it in-process: parses argv,
// hands over to the subcommand and turns every failure into one line on stderr and the exit
// code of the error policy: 0 success, 1 a runtime failure or an unreadable input, 2 a
// usage error (unknown command or option, bad number, address or process id).
#pragma once

namespace leakdbg::cli {

int run_command_line(int argc, const char* const* argv);

}  // namespace leakdbg::cli
