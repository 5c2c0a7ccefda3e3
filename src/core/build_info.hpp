// Facts about this build that change without the code changing.
#pragma once

namespace gcn {

// The git commit the tree was at when gcnbench was last built (short hash, "-dirty" when tracked
// files differed from it, "unknown" outside a git checkout). Read at every build, not only when
// CMake configures, so results never record a stale commit.
const char* build_git_commit();

}  // namespace gcn
