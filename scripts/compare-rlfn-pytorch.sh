#!/usr/bin/env bash
# RLFN x2 forward on one 320x180 RGB frame (the first frame of the bundled sample): vsr against the
# official PyTorch code (Debian's python3-torch, channels_last), same frame, same thread counts,
# measured in one run, each with its own median; plus vsr's GFLOP/s against the FMA peak.
#   RLFN_REPO=/path/to/official/RLFN scripts/compare-rlfn-pytorch.sh [rlfn_x2.pth]
# The official code is not part of vsr: point RLFN_REPO at a checkout of it (model/rlfn.py).
set -euo pipefail
cd "$(dirname "$0")/.."
checkpoint=${1:-../shared/models/rlfn-official/rlfn_x2.pth}
python=${PYTHON:-/usr/bin/python3}
threads=${THREADS:-1,2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s bench-tools >/dev/null
ffmpeg -v error -nostdin -i Samples/testsrc2-320x180-h264-aac.mp4 -frames:v 1 -f rawvideo -pix_fmt rgb24 "$tmp/frame.rgb"
.build/release/vsr import "$checkpoint" --arch rlfn --scale 2 -o "$tmp/rlfn_x2.safetensors" 2>/dev/null
.build/release/vsr-kernel-bench model --weights "$tmp/rlfn_x2.safetensors" --rgb "$tmp/frame.rgb" --threads "$threads" | tee "$tmp/vsr.txt"
if [ -n "${RLFN_REPO:-}" ] && "$python" -c "import torch" 2>/dev/null; then
  "$python" scripts/rlfn_pytorch_timing.py --repo "$RLFN_REPO" --checkpoint "$checkpoint" --scale 2 \
    --rgb "$tmp/frame.rgb" --threads "$threads" | tee "$tmp/torch.txt"
  for t in ${threads//,/ }; do
    v=$(awk -v t="$t" '$1 == "vsr" && $2 == t {print $4}' "$tmp/vsr.txt")
    p=$(awk -v t="$t" '$1 == "pytorch" && $2 == t {print $4}' "$tmp/torch.txt")
    awk -v t="$t" -v v="$v" -v p="$p" 'BEGIN {printf "speed-up over PyTorch, %s thread(s): %.2fx\n", t, p / v}'
  done
else
  echo "PyTorch comparison skipped: set RLFN_REPO to the official RLFN checkout and install python3-torch"
fi
