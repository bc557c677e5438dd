#!/bin/bash
# One line naming the CPU every figure of the benchmark scripts comes from: the model name, its
# family and model numbers (a VM often shows only "AMD EPYC"; family 25 model 1 is Zen 3, model 17
# Zen 4), the cores, and the flags that choose vsr's kernels.
#
#   scripts/cpu-description.sh     # e.g. CPU: AMD EPYC (family 25, model 17), 2 cores; flags: fma avx2 avx512f ...
field() { grep -m1 "^$1[[:space:]]*:" /proc/cpuinfo | cut -d: -f2- | xargs; }
# Under scripts/as-avx2-cpu.sh (VSR_CPUID_MASK) the flags are the CPU's, but cpuid hides AVX-512 from
# every program, and the line says so.
masked=${VSR_CPUID_MASK:+; cpuid shows every program AVX2 and FMA only, no AVX-512 (scripts/as-avx2-cpu.sh)}
echo "CPU: $(field 'model name') (family $(field 'cpu family'), model $(field model)), $(nproc) cores;" \
     "flags: $(field flags | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512bw|avx512_vnni|avx512_bf16|avx_vnni)$' | xargs)$masked"
