#ifndef VSR_BUILD_INFO_H
#define VSR_BUILD_INFO_H

/// The git revision the binary was built from (`git describe --always --dirty`), as `make build`
/// recorded it in .build/vsr-revision.h, or "unknown" for a build made without make.
const char *vsr_build_revision(void);

#endif
