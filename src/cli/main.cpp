// leakdbg: everything the command line does lives in the leakdbg_cli library (app.h).
#include "cli/app.h"

int main(int argc, char** argv) { return leakdbg::cli::run_command_line(argc, argv); }
