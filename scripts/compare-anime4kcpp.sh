#!/usr/bin/env bash
# vsr's PlainSR against Anime4KCPP's ArtCNN C4F16 at equal layer width (16-channel 3x3 layers both),
# same frame sizes and thread counts, one after the other in one run: GFLOP/s of each and the ratio.
#   scripts/compare-anime4kcpp.sh
#   scripts/compare-anime4kcpp.sh --build   # only build Anime4KCPP's benchmark (if not built yet), then exit
# Anime4KCPP (https://github.com/TianZerL/Anime4KCPP, v3) is built with -march=native into
# .build/anime4kcpp (.build/anime4kcpp-avx2 under scripts/as-avx2-cpu.sh) from A4K_SRC (a source tree; cloned from GitHub when unset). Its CMake fetches
# ruapu, stb and half.hpp online unless AC_PATH_RUAPU, AC_PATH_STB and AC_PATH_HALF name local copies.
# Its `ac_benchmark artcnn_c4f16 cpu 0 W H N 1` upscales N random 8-bit luma frames x2 on one
# frame at a time; inside a frame it runs OpenMP with OMP_NUM_THREADS threads, which is how the
# thread count is set here (its last argument runs frames side by side, left at 1).
# FLOP per input pixel, 2 per multiply-add: ArtCNN C4F16 is conv 1->16, five 16->16 and 16->4, all
# 3x3: 9 x (16 + 5 x 256 + 64) = 12,240 multiply-adds. vsr's figures are repsr-y-x2 (M6C16) as
# `vsr-kernel-bench model` times its forward pass (float in, float out; Anime4KCPP's includes its
# 8-bit conversions) and as `vsr bench` times the whole frame path (colour conversion, chroma and
# tiles, which Anime4KCPP's luma-only benchmark does not do).
# SIZES (default 320x180 960x540), THREADS (default 1,2), FRAMES override. By default each size runs
# as many frames as 20 of 960x540 hold pixels (180 at 320x180): at 20 frames a 320x180 timing window
# was 0.1-0.5 s, and one stolen slice of the second vCPU halved a two-thread figure (vsr's frame path
# read 142-149 and 312 GFLOP/s in three runs of one hour; AMD EPYC Zen 4).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES:-320x180 960x540}
threads=${THREADS:-1,2}
src=${A4K_SRC:-.build/anime4kcpp/src}
# Under scripts/as-avx2-cpu.sh, a build of its own without the AVX-512 backend: Anime4KCPP picks its
# backend by running instructions (ruapu), which the masked cpuid does not hide.
build=.build/anime4kcpp${VSR_CPUID_MASK:+-$VSR_CPUID_MASK}
avx512=$([ "${VSR_CPUID_MASK:-}" = avx2 ] && echo OFF || echo ON)
if [ ! -x "$build/build/bin/ac_benchmark" ]; then
  command -v cmake >/dev/null || { echo "compare-anime4kcpp.sh: building Anime4KCPP needs cmake (apt-get install cmake)" >&2; exit 1; }
  if [ ! -f "$src/CMakeLists.txt" ]; then git clone -q https://github.com/TianZerL/Anime4KCPP "$src"; fi
  cmake -S "$src" -B "$build/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-march=native \
    -DAC_BUILD_CLI=OFF -DAC_TOOLS_BENCHMARK=ON -DAC_CORE_WITH_FPNG=OFF -DAC_CORE_WITH_AVX512=$avx512 \
    ${AC_PATH_RUAPU:+-DAC_PATH_RUAPU=$AC_PATH_RUAPU} ${AC_PATH_STB:+-DAC_PATH_STB=$AC_PATH_STB} \
    ${AC_PATH_HALF:+-DAC_PATH_HALF=$AC_PATH_HALF} >/dev/null
  cmake --build "$build/build" --target ac_benchmark -j "$(nproc)" >/dev/null
fi
[ "${1:-}" != "--build" ] || exit 0
make -s bench-tools >/dev/null

scripts/cpu-description.sh
.build/release/vsr-kernel-bench model --weights Training/models/repsr-y-x2.safetensors --size 16x16 --threads 1 --runs 1 | head -1
summary=()
for size in $sizes; do
  w=${size%x*}; h=${size#*x}
  frames=${FRAMES:-$(((960 * 540 * 20 + w * h - 1) / (w * h)))}
  for t in ${threads//,/ }; do
    fps=$(OMP_NUM_THREADS=$t "$build/build/bin/ac_benchmark" artcnn_c4f16 cpu 0 "$w" "$h" "$frames" 1 | awk '/^FPS:/ {print $2}')
    a4k=$(awk -v f="$fps" -v p=$((w * h)) 'BEGIN {printf "%.1f", f * p * 24480 / 1e9}')
    fwd=$(.build/release/vsr-kernel-bench model --weights Training/models/repsr-y-x2.safetensors --size "$size" --threads "$t" \
      --runs "$frames" | awk '$1 == "vsr" {for (i = 1; i <= NF; i++) if ($i == "effective") print $(i - 1)}')
    path=$(.build/release/vsr bench --models repsr-y-x2 --size "$size" --threads "$t" --frames "$frames" 2>/dev/null \
      | awk '$1 == "repsr-y-x2" {print $10}')
    echo "$size, $t thread(s): Anime4KCPP ArtCNN C4F16 $fps fps = $a4k GFLOP/s; vsr repsr-y-x2 forward $fwd GFLOP/s, frame path $path GFLOP/s"
    summary+=("$(awk -v s="$size" -v t="$t" -v a="$a4k" -v f="$fwd" -v p="$path" \
      'BEGIN {printf "%-8s %7d  %10.1f  %11.1f  %14.1f  %9.2fx  %12.2fx", s, t, a, f, p, f / a, p / a}')")
  done
done
echo
echo "size     threads  A4K GFLOP/s  vsr forward  vsr frame path  forward/A4K  frame path/A4K"
printf '%s\n' "${summary[@]}"
