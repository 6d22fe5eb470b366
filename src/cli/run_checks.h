// What `leakdbg run` checks before it starts a program, and how it counts what was written:
// the output directory must be this user's and writable (else the program would run to
// "0 snapshots"), and the program must be one the loader preloads the tracker into.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace leakdbg::cli {

// Creates the output directory mode 0700 (its parents as usual), or accepts an existing one
// that is empty of snapshots, owned by this user, writable, and that no one else can write.
// Returns its canonical path; throws leakdbg::Error with one line otherwise.
std::filesystem::path prepare_output_directory(const std::filesystem::path& dir);

// The file execvp would run for `program` ($PATH searched when it has no '/'); empty if none.
std::string find_program(const std::string& program);

// Why the tracker cannot be preloaded into `path`, or "" when it can: the loader ignores
// LD_PRELOAD for a statically linked program (there is no loader) and for a setuid or
// setgid program run by someone else (secure-execution mode).
std::string preload_obstacle(const std::string& path);

// Snapshots a run left: in the output directory, in fork-<pid>/ series, and in
// exec-<pid>-<n>/ series of programs started by exec (--follow-exec).
struct SeriesCount {
  size_t snapshots = 0;
  size_t fork_series = 0, fork_snapshots = 0;
  size_t exec_series = 0, exec_snapshots = 0;
};
SeriesCount count_series(const std::filesystem::path& dir);

// "12 snapshots in DIR (and 3 in 1 fork series, 2 in 1 exec series)", without "leakdbg: ".
std::string closing_line(const SeriesCount& count, const std::string& dir);

}  // namespace leakdbg::cli
