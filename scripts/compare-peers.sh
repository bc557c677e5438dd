#!/usr/bin/env bash
# vsr's forward pass against PyTorch (Debian's python3-torch, channels_last) and ONNX Runtime (from
# PyPI, in a venv this script makes under .build/) on the same frame, the same weights and the same
# thread counts, one case after the other in one run, each a median; prints the ratios. The peers'
# graphs are built from the safetensors vsr loads, and their outputs are checked equal to vsr's
# within 1e-3 of white before anything is timed (scripts/peers_timing.py).
#   scripts/compare-peers.sh [--quick]
#   scripts/compare-peers.sh --setup      # only what the runs need (PyTorch checked, the venv made), then exit
# vsr is also timed in each model's own tiles (1024 for plain nets of 16 channels or more, 512 for RLFN), as vsr upscale runs them.
# Cases: repsr-y-x2 at 320x180, 640x360, 960x540; RLFN x2 and RLFN-S x2 (imported from
# ../shared/models/rlfn-official) at 320x180 and 960x540 (--quick: 320x180 only, fewer runs).
# The engines take turns: ROUNDS rounds (default 3) of vsr then the peers, RUNS / ROUNDS runs each per
# round, and each figure is the median of its rounds' medians, so that a minute in which the machine
# is slower weighs on every engine alike rather than on whichever ran then. Each round's header gives
# the two vCPUs' cache-line round trip (scripts/vcpu-round-trip.sh): hundreds of ns mean cores that
# share no cache, in which two-thread figures run slower.
# THREADS (default 1,2), RUNS (default 9) and ROUNDS override; MATCH (an extended regex) keeps only the
# cases whose "model size" matches it, e.g. MATCH='rlfn.*960x540'.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
setup_only=0
[ "${1:-}" = "--setup" ] && setup_only=1
threads=${THREADS:-1,2}
runs=${RUNS:-$([ $quick = 1 ] && echo 6 || echo 9)}
rounds=${ROUNDS:-3}
per_round=$(((runs + rounds - 1) / rounds))
venv=.build/peers-venv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -s bench-tools >/dev/null
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "compare-peers.sh: PyTorch is missing: install Debian's python3-torch (make setup-training)" >&2
  exit 1
fi
if ! "$venv/bin/python" -c "import onnxruntime, torch" 2>/dev/null; then
  echo "setting up $venv (onnxruntime from PyPI; torch and numpy from Debian's python3-torch)"
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  # numpy < 2: Debian's torch 1.13 is built against numpy 1.x.
  "$venv/bin/pip" install -q onnxruntime "numpy<2"
fi
[ $setup_only = 0 ] || exit 0

models=../shared/models/rlfn-official
.build/release/vsr import "$models/rlfn_x2.pth" --arch rlfn --scale 2 -o "$tmp/rlfn_x2.safetensors" >/dev/null 2>&1
.build/release/vsr import "$models/rlfn_s_x2.pth" --arch rlfn-s --scale 2 -o "$tmp/rlfn_s_x2.safetensors" >/dev/null 2>&1

cases=("Training/models/repsr-y-x2.safetensors 320x180" "$tmp/rlfn_x2.safetensors 320x180" "$tmp/rlfn_s_x2.safetensors 320x180")
if [ $quick = 0 ]; then
  cases+=("Training/models/repsr-y-x2.safetensors 640x360" "Training/models/repsr-y-x2.safetensors 960x540"
          "$tmp/rlfn_x2.safetensors 960x540" "$tmp/rlfn_s_x2.safetensors 960x540")
fi

if [ -n "${MATCH:-}" ]; then
  kept=()
  for case in "${cases[@]}"; do
    read -r weights size <<<"$case"
    if echo "$(basename "$weights" .safetensors) $size" | grep -Eq -- "$MATCH"; then kept+=("$case"); fi
  done
  [ ${#kept[@]} -gt 0 ] || { echo "compare-peers: MATCH='$MATCH' matches no case" >&2; exit 2; }
  cases=("${kept[@]}")
fi

scripts/cpu-description.sh
source scripts/median.sh
# The median of an engine's per-round figures ("ENGINE T thread(s): MS ms" lines) at T threads.
median_of() { awk -v e="$1" -v t="$2" '$1 == e && $2 == t {print $4}' "$3" | median; }
summary=()
for case in "${cases[@]}"; do
  read -r weights size <<<"$case"
  name=$(basename "$weights" .safetensors)
  # The frame: the bundled sample's first frame, scaled to the size (the same bytes for every engine).
  ffmpeg -v error -nostdin -y -i Samples/testsrc2-320x180-h264-aac.mp4 -frames:v 1 -vf "scale=${size/x/:}:flags=bicubic" \
    -f rawvideo -pix_fmt rgb24 "$tmp/frame.rgb"
  echo
  echo "== $name at $size ($rounds rounds of $per_round runs per engine)"
  : > "$tmp/vsr.txt"
  : > "$tmp/peers.txt"
  for round in $(seq "$rounds"); do
    echo "-- round $round of $rounds (vCPU round trip: $(scripts/vcpu-round-trip.sh 2>/dev/null || echo '?') ns)"
    .build/release/vsr-kernel-bench model --weights "$weights" --rgb "$tmp/frame.rgb" --size "$size" --threads "$threads" \
      --runs "$per_round" --output "$tmp/vsr.f32" --model-tile | tee -a "$tmp/vsr.txt"
    "$venv/bin/python" scripts/peers_timing.py --weights "$weights" --rgb "$tmp/frame.rgb" --size "$size" \
      --vsr-output "$tmp/vsr.f32" --threads "$threads" --runs "$per_round" | tee -a "$tmp/peers.txt"
  done
  for t in ${threads//,/ }; do
    v=$(median_of vsr "$t" "$tmp/vsr.txt")
    vt=$(median_of vsr-tiled "$t" "$tmp/vsr.txt")
    p=$(median_of pytorch "$t" "$tmp/peers.txt")
    o=$(median_of onnxruntime "$t" "$tmp/peers.txt")
    summary+=("$(awk -v n="$name" -v s="$size" -v t="$t" -v v="$v" -v vt="$vt" -v p="$p" -v o="$o" \
      'BEGIN {printf "%-12s %-8s %7d  %9.1f  %9.1f  %10.1f  %8.1f  %9.2fx  %6.2fx", n, s, t, v, vt, p, o, p / v, o / v}')")
  done
done
echo
echo "vsr: whole frame (the peers' computation); vsr tiled: the model's own tiles and halo (1024 / 8 for repsr, 512 / 18 for RLFN), as vsr upscale runs it"
echo "(more pixels: the halos), for reference. Ratios are of the whole-frame figures; each figure the median of $rounds rounds' medians."
echo "model        size     threads  vsr ms  vsr tiled  PyTorch ms    ORT ms  vs PyTorch  vs ORT"
printf '%s\n' "${summary[@]}"
