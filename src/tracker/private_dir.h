// Directories the tracker writes into, opened so that another local user can neither read
// what is written nor redirect it: every snapshot and socket is created relative to a
// directory descriptor whose owner and mode were checked, and no link is followed. Runs in
// the host program: no malloc, no locks, no exceptions.
#pragma once

namespace leakdbg::tracker {

// Opens the directory `name` below `parent_fd` (AT_FDCWD: a path), first creating it mode
// 0700 when `create`. The last component is never followed if it is a symbolic link. Accepted
// only if it is a directory owned by this user that group and others cannot write (another
// user could otherwise rename or replace what is written there). Returns a close-on-exec
// descriptor, or -1 with errno: ELOOP or ENOTDIR for a link or a non-directory, EPERM for
// another owner or a shared mode.
int open_private_directory(int parent_fd, const char* name, bool create);

// Removes what a killed process of this user left in `dir_fd`: temporary snapshot files
// (".<name>.<pid>.tmp") and control sockets ("<pid>.sock") of processes that no longer exist.
void remove_stale_entries(int dir_fd);

}  // namespace leakdbg::tracker
