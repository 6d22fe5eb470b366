// A StackProfile as collapsed stacks, one line per stack: "root;caller;leaf BYTES", the input
// of flamegraph.pl, speedscope and inferno. Inlined frames are frames of their
// own; C++ names are shortened as text output shows them.
#pragma once

#include <string>

#include "export/stack_profile.h"

namespace leakdbg::exporter {

// Lines in the profile's sample order. Samples with no positive bytes are left out (these
// tools draw sizes, not decreases): of a growth profile, what grew.
std::string collapsed_stacks(const StackProfile& profile);

}  // namespace leakdbg::exporter
