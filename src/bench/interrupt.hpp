// SIGINT, SIGTERM and SIGHUP end `gcnbench bench` in order instead of at once: the run in
// progress is stopped (its whole process group, so a peer's workers too), no new run starts, and
// the runs measured so far are written to a results directory marked incomplete.
#pragma once

namespace gcn {

// Installs the handlers (without SA_RESTART, so a waiting poll() returns at once).
void catch_interrupts();

// The signal that asked to stop, or 0.
int interrupt_signal();

}  // namespace gcn
