#!/usr/bin/env bash
# Builds and runs scripts/fork-join-probe.swift: the cost of forking a layer onto a second thread with
# DispatchQueue.concurrentPerform (how the engine forked before ForkJoinPool) against a helper thread
# that spins before it parks (as ForkJoinPool's helpers do).
#   scripts/fork-join-probe.sh [WORK_US [SPIN_US [CALLS]]]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
probe=$root/.build/fork-join-probe
if [ ! -x "$probe" ] || [ "$root/scripts/fork-join-probe.swift" -nt "$probe" ]; then
  mkdir -p "$root/.build"
  swiftc -O "$root/scripts/fork-join-probe.swift" -o "$probe"
fi
"$probe" dispatch "$@"
"$probe" spin "$@"
