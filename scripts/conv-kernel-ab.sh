#!/usr/bin/env bash
# A/B of one ISA's direct-convolution micro-kernel: the kernel file of git revision REV (default HEAD)
# against the working tree's, in one process, alternating round by round (scripts/conv-kernel-ab.c),
# at 1 and 2 threads. Run scripts/generate-conv-microkernel.py first when the generator changed.
#   scripts/conv-kernel-ab.sh [REV [ISA [CHANNELS WIDTH HEIGHT ROUNDS [products]]]]
#   scripts/conv-kernel-ab.sh HEAD avx2 16 320 180 41
#   scripts/conv-kernel-ab.sh HEAD avx2 48 320 180 41 products   # the shape of Winograd F(4x4)'s products
# ISA: avx2 (default) or avx512; the CPU must have it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-HEAD}
isa=${2:-avx2}
case $isa in
  avx2) level=VSR_CPU_AVX2 ;;
  avx512) level=VSR_CPU_AVX512 ;;
  *) echo "conv-kernel-ab.sh: ISA must be avx2 or avx512, not '$isa'" >&2; exit 2 ;;
esac
shift $(( $# < 2 ? $# : 2 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" show "$rev:Sources/CVSRKernels/conv_$isa.c" > "$work/base.c" \
  || { echo "conv-kernel-ab.sh: no Sources/CVSRKernels/conv_$isa.c at '$rev'" >&2; exit 2; }
# The base build's symbols renamed, so that both link into one program beside the working tree's.
rename=(-Dvsr_conv_row_$isa=base_conv_row_$isa -Dvsr_fma_probe_$isa=base_fma_probe_$isa
        -Dvsr_kernels_$isa=base_kernels_$isa)
inc=(-I "$root/Sources/CVSRKernels/include" -I "$root/Sources/CVSRKernels")
clang -O3 -w "${inc[@]}" "${rename[@]}" -c "$work/base.c" -o "$work/base.o"
mkdir -p "$root/.build"
clang -O3 -pthread "${inc[@]}" -DBASE_ROW=base_conv_row_$isa -DNEW_ROW=vsr_conv_row_$isa \
  -DPROBE=vsr_fma_probe_$isa -DLEVEL=$level \
  "$root/scripts/conv-kernel-ab.c" "$work/base.o" "$root"/Sources/CVSRKernels/*.c -o "$root/.build/conv-kernel-ab"
echo "base: $rev ($(git -C "$root" rev-parse --short "$rev")); new: the working tree"
"$root/.build/conv-kernel-ab" "${1:-16}" "${2:-320}" "${3:-180}" "${4:-21}" ${5:+"$5"}
