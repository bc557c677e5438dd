#!/usr/bin/env bash
# Prints a cache line's round trip between the first two CPUs, in ns (scripts/vcpu-round-trip.c), once
# or COUNT times a second apart. On the 2-vCPU AMD EPYC Zen 4 VMs here it alternates, a few seconds at
# a time, between 50-78 ns (the vCPUs on cores sharing an L3) and 321-359 ns (not), and two-thread
# figures depend on it: RLFN-S x2 at 320x180 on two threads ran 116 ms with the near cores and 125-141
# with the far ones. Taken before and after a timed run, it says which the run had (WorkQueue.run).
#   scripts/vcpu-round-trip.sh [COUNT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
probe=$root/.build/vcpu-round-trip
if [ ! -x "$probe" ] || [ "$root/scripts/vcpu-round-trip.c" -nt "$probe" ]; then
  mkdir -p "$root/.build"
  clang -O2 -Wall -Werror -pthread "$root/scripts/vcpu-round-trip.c" -o "$probe"
fi
count=${1:-1}
for ((i = 0; i < count; i++)); do
  [ "$i" -eq 0 ] || sleep 1
  "$probe"
done
