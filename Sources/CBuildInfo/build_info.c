#include "vsr_build_info.h"

// `make build` writes the header (and touches this file when the revision changes); a plain
// `swift build` has none. C, because Swift has no way to take a value from the build command.
#if __has_include("../../.build/vsr-revision.h")
#include "../../.build/vsr-revision.h"
#endif

#ifndef VSR_BUILD_REVISION
#define VSR_BUILD_REVISION "unknown"
#endif

const char *vsr_build_revision(void) { return VSR_BUILD_REVISION; }
