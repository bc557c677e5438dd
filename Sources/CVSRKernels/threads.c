// Thread naming for the engine's helper threads: glibc declares pthread_setname_np only under
// _GNU_SOURCE, which Swift's Glibc module does not import.
#define _GNU_SOURCE
#include <pthread.h>

#include "vsr_kernels.h"

void vsr_name_current_thread(const char *name) {
#if defined(__linux__)
    pthread_setname_np(pthread_self(), name);
#elif defined(__APPLE__)
    pthread_setname_np(name);
#else
    (void)name;
#endif
}
