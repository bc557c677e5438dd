#!/usr/bin/env bash
# Runs a command as if on an AVX2-only CPU (AVX2 and FMA, no AVX-512), for measuring the AVX2 class on
# an AVX-512 machine: every process it starts sees cpuid without the AVX-512 bits (scripts/cpuid-mask.c,
# loaded by LD_PRELOAD over Linux's CPUID faulting), so vsr's kernel table, PyTorch's oneDNN, ONNX
# Runtime's MLAS, FFmpeg's and x264's code and a compiler's -march=native all choose what they would
# choose on such a CPU. glibc's string functions are kept off AVX-512 by GLIBC_TUNABLES, and
# VSR_CPUID_MASK=avx2 tells the scripts that build peers (compare-anime4kcpp.sh) to build them apart
# and without AVX-512, and scripts/cpu-description.sh to say so on every CPU line.
# What it is not: a Zen 3. The cores, caches and memory stay the machine's own (on a Zen 4 the AVX2
# code has the same FMA peak: both do two 256-bit FMAs a cycle), so quote its figures as the AVX2
# kernels on this CPU, never as another CPU's.
#   scripts/as-avx2-cpu.sh COMMAND [ARGS...]     # e.g. scripts/as-avx2-cpu.sh scripts/engine-targets.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || { echo "usage: scripts/as-avx2-cpu.sh COMMAND [ARGS...]" >&2; exit 2; }
if ! grep -qw cpuid_fault /proc/cpuinfo; then
  echo "as-avx2-cpu.sh: this CPU (or its hypervisor) offers no CPUID faulting (no cpuid_fault in /proc/cpuinfo), so AVX-512 cannot be hidden" >&2
  exit 1
fi
lib=$root/.build/cpuid-mask.so
if [ ! -f "$lib" ] || [ "$root/scripts/cpuid-mask.c" -nt "$lib" ]; then
  mkdir -p "$root/.build"
  clang -O2 -Wall -Werror -shared -fPIC "$root/scripts/cpuid-mask.c" -o "$lib" -ldl
fi
export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
export GLIBC_TUNABLES=${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD,-AVX512ER,-AVX512PF
export VSR_CPUID_MASK=avx2
exec "$@"
