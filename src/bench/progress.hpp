// The live progress line of long commands (bench's rows, train's epochs) on a terminal: what is
// running, how far along, and an estimate of the time left from the pace so far.
#pragma once

#include <cstddef>
#include <string>

namespace gcn {

// "45s", "3m05s", "2h10m": a duration for a person, rounded to what matters at its size.
std::string duration_text(double seconds);

// "ETA 3m05s" for `total - done` more units at the mean pace of the `done` that took
// `elapsed_s`; empty before the first unit is done, when nothing says how long one takes.
std::string eta_text(size_t done, size_t total, double elapsed_s);

// Writes `text` over the current terminal line of stderr (an empty text clears it); nothing
// when `enabled` is false (stderr is not a terminal).
void show_progress(bool enabled, const std::string& text);

}  // namespace gcn
