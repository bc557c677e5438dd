// A cache line's round trip between two CPUs: two threads, pinned to the first two CPUs this process
// may run on, pass one atomic counter back and forth, and the mean time of a round trip is printed in
// ns. On a VM it tells where the host has put the two vCPUs at that moment: on cores that share a
// cache (tens of ns) or not (hundreds). scripts/vcpu-round-trip.sh builds and runs it.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static _Atomic long ball __attribute__((aligned(64)));
static const long round_trips = 200000;
static int cpus[2];

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        fprintf(stderr, "vcpu-round-trip: cannot pin a thread to CPU %d\n", cpu);
        exit(1);
    }
}

// One side of the rally: waits for each of its values (`first`, then every second one) and hands on
// the next. The first thread takes the even values, the other the odd ones.
static void rally(long first) {
    for (long value = first; value < 2 * round_trips; value += 2) {
        while (atomic_load_explicit(&ball, memory_order_acquire) != value) {}
        atomic_store_explicit(&ball, value + 1, memory_order_release);
    }
}

static void *answer(void *unused) {
    (void)unused;
    pin(cpus[1]);
    rally(1);
    return NULL;
}

int main(void) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 1;
    int found = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
        if (CPU_ISSET(cpu, &allowed)) cpus[found++] = cpu;
    if (found < 2) {
        fprintf(stderr, "vcpu-round-trip: this process may run on one CPU only\n");
        return 1;
    }
    pthread_t other;
    if (pthread_create(&other, NULL, answer, NULL) != 0) {
        fprintf(stderr, "vcpu-round-trip: cannot start its second thread\n");
        return 1;
    }
    pin(cpus[0]);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    rally(0);
    while (atomic_load_explicit(&ball, memory_order_acquire) != 2 * round_trips) {}
    clock_gettime(CLOCK_MONOTONIC, &end);
    pthread_join(other, NULL);
    double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
    printf("%.0f\n", ns / round_trips);
    return 0;
}
