// The last snapshot of a process: what was never freed. Taken once, by whichever way the
// process ends first: exit() (the library destructor, after the program's static
// destructors as far as possible), _exit()/_Exit() (hooked: they skip destructors), or a
// termination signal whose default action would end the process without either.
#pragma once

namespace leakdbg::tracker {

// Takes the exit snapshot (label: how the process ended, "" for a normal exit) unless one
// was taken already, and leaves tracking off. Not for signal handlers (see
// termination_signals.h). Does nothing in a vfork child, which shares the parent's memory.
void take_final_snapshot(const char* label);

// The two halves of take_final_snapshot, for the background thread, which takes the final
// snapshot itself when a termination signal asks for it: claim (false if another way of
// ending took it already, or this is not the tracked process), then write.
bool claim_final_snapshot();
void write_final_snapshot(const char* label);

// Remembers the process that owns the tracker's state: the starting process, or a forked
// child once the fork handlers ran. vfork children and raw clones are not it.
void remember_tracked_process();
bool in_tracked_process();

}  // namespace leakdbg::tracker
