// An LD_PRELOAD library that makes `cpuid` report an AVX2-only CPU (AVX2 and FMA, no AVX-512) to
// the process it is loaded into, so that every engine in a comparison picks the code it would pick
// on such a CPU: vsr's kernel table, PyTorch's oneDNN and ATen, ONNX Runtime's MLAS, FFmpeg and
// x264, and a compiler's -march=native. scripts/as-avx2-cpu.sh builds it and runs a command under it.
//
// How: Linux's CPUID faulting (arch_prctl ARCH_SET_CPUID, on CPUs whose flags show cpuid_fault)
// turns each `cpuid` into a SIGSEGV; the handler runs the real instruction with faulting lifted for
// that moment, clears the AVX-512 bits, and steps past it. The setting is per thread, inherited by
// threads and forked children and reset by execve, so the library sets it in every process it is
// loaded into. The program's own SIGSEGV handlers are kept and called for every other fault: the
// library takes the program's sigaction() and signal() calls for SIGSEGV. A program that sets its
// handlers by raw system call (Go's runtime does) would take the faults from it: not supported.
//
// What it cannot hide: instructions run to probe for a feature (Anime4KCPP's ruapu) and XGETBV,
// which still says the OS saves the 512-bit registers; glibc's own string functions, chosen before
// any library's constructor runs, are masked by GLIBC_TUNABLES in the script instead.
//
//   clang -O2 -shared -fPIC scripts/cpuid-mask.c -o .build/cpuid-mask.so -ldl
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <cpuid.h>
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

typedef int (*sigaction_function)(int, const struct sigaction *, struct sigaction *);

static sigaction_function real_sigaction;
// The program's SIGSEGV disposition, as it last set it (SIG_DFL, all zeros, until it sets one).
static struct sigaction program_action;

// Libraries initialized before this one's constructor (the Swift runtime's crash handler) call
// sigaction() already, so the real one is looked up on first use.
static sigaction_function real(void) {
    if (!real_sigaction) real_sigaction = (sigaction_function)dlsym(RTLD_NEXT, "sigaction");
    return real_sigaction;
}

static long set_cpuid_enabled(int enabled) { return syscall(SYS_arch_prctl, ARCH_SET_CPUID, enabled); }

// Leaf 7 subleaf 0: EBX AVX512F (16), DQ (17), IFMA (21), PF (26), ER (27), CD (28), BW (30), VL
// (31); ECX VBMI (1), VBMI2 (6), VNNI (11), BITALG (12), VPOPCNTDQ (14); EDX 4VNNIW (2), 4FMAPS (3),
// VP2INTERSECT (8), FP16 (23). Subleaf 1: EAX AVX512_BF16 (5).
static void mask(uint32_t leaf, uint32_t subleaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    if (leaf != 7) return;
    if (subleaf == 0) {
        *b &= ~((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31));
        *c &= ~((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14));
        *d &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23));
    } else if (subleaf == 1) {
        *a &= ~(1u << 5);
    }
}

static void forward(int signal, siginfo_t *info, void *context) {
    if (program_action.sa_flags & SA_SIGINFO) {
        program_action.sa_sigaction(signal, info, context);
    } else if (program_action.sa_handler == SIG_IGN) {
        return;
    } else if (program_action.sa_handler == SIG_DFL) {
        // Let the fault happen again, with the default action: the process dies as it would have.
        struct sigaction fallback = {.sa_handler = SIG_DFL};
        real()(SIGSEGV, &fallback, NULL);
    } else {
        program_action.sa_handler(signal);
    }
}

static void on_segv(int signal, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    const uint8_t *rip = (const uint8_t *)uc->uc_mcontext.gregs[REG_RIP];
    // A faulting cpuid is SIGSEGV with si_code SI_KERNEL at the instruction (0F A2).
    if (info->si_code != SI_KERNEL || rip[0] != 0x0F || rip[1] != 0xA2) {
        forward(signal, info, context);
        return;
    }
    const uint32_t leaf = (uint32_t)uc->uc_mcontext.gregs[REG_RAX], subleaf = (uint32_t)uc->uc_mcontext.gregs[REG_RCX];
    uint32_t a, b, c, d;
    set_cpuid_enabled(1);
    __cpuid_count(leaf, subleaf, a, b, c, d);
    set_cpuid_enabled(0);
    mask(leaf, subleaf, &a, &b, &c, &d);
    uc->uc_mcontext.gregs[REG_RAX] = a;
    uc->uc_mcontext.gregs[REG_RBX] = b;
    uc->uc_mcontext.gregs[REG_RCX] = c;
    uc->uc_mcontext.gregs[REG_RDX] = d;
    uc->uc_mcontext.gregs[REG_RIP] += 2;
}

int sigaction(int signal, const struct sigaction *action, struct sigaction *old) {
    if (signal != SIGSEGV) return real()(signal, action, old);
    if (old) *old = program_action;
    if (action) program_action = *action;
    return 0;
}

sighandler_t signal(int number, sighandler_t handler) {
    struct sigaction action = {.sa_handler = handler}, old;
    if (sigaction(number, &action, &old) != 0) return SIG_ERR;
    return old.sa_handler;
}

__attribute__((constructor)) static void start(void) {
    struct sigaction action = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER};
    sigemptyset(&action.sa_mask);
    if (!real() || real()(SIGSEGV, &action, NULL) != 0 || set_cpuid_enabled(0) != 0) {
        fprintf(stderr, "cpuid-mask: CPUID faulting is not available here (no cpuid_fault in /proc/cpuinfo?): cannot hide AVX-512\n");
        _exit(126);
    }
}
