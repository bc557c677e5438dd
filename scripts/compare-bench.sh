#!/usr/bin/env bash
# vsr bench next to the reference implementations, on the same frames, with ratios:
#  - lanczos: `vsr bench` (swscale through vsr's frame path) vs `ffmpeg -vf scale=...:flags=lanczos`
#    on the same frame repeated, one filter thread, decode time subtracted;
#  - RLFN x2: `vsr bench` (the whole frame path: YUV->RGB, tiles, RGB->YUV, chroma) vs the official
#    PyTorch code's bare forward pass (python3-torch, channels_last) at the same thread counts.
#   RLFN_REPO=/path/to/official/RLFN scripts/compare-bench.sh [INPUT] [FRAMES]
# The official code is not part of vsr: point RLFN_REPO at a checkout of it (model/rlfn.py).
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:-Samples/testsrc2-320x180-h264-aac.mp4}
frames=${2:-20}
threads=${THREADS:-1,2}
python=${PYTHON:-/usr/bin/python3}
checkpoint=${CHECKPOINT:-../shared/models/rlfn-official/rlfn_x2.pth}
vsr=${VSR_BIN:-.build/release/vsr}
[ -x "$vsr" ] || { echo "compare-bench: $vsr not found; run 'make build' first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/data
size=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$input")
models=lanczos
if [ -f "$checkpoint" ]; then
  "$vsr" import "$checkpoint" --arch rlfn --scale 2 --name rlfn_x2 >/dev/null 2>&1 && models=lanczos,rlfn_x2
fi
"$vsr" bench --models "$models" --input "$input" --frames "$frames" --threads "$threads" --json "$tmp/bench.json" | tee "$tmp/bench.txt"
field() { "$python" -c "import json,sys; r=[m for m in json.load(open('$tmp/bench.json'))['models'] if m['name']=='$1' and m['threads']==$2]; print(r[0]['median_ms'])"; }

echo
# ffmpeg: the first frame repeated, scaled with lanczos by one filter thread; the decode-only run is subtracted.
ffmpeg -v error -nostdin -i "$input" -frames:v 1 -f yuv4mpegpipe "$tmp/one.y4m"
ffmpeg -v error -nostdin -stream_loop $((frames * 5 - 1)) -i "$tmp/one.y4m" -f yuv4mpegpipe "$tmp/many.y4m"
now() { date +%s.%N; }
best() { sort -g | head -1; }
: > "$tmp/scale"; : > "$tmp/null"
for _ in 1 2 3 4 5; do
  t0=$(now); ffmpeg -v error -nostdin -filter_threads 1 -i "$tmp/many.y4m" -vf "scale=iw*2:ih*2:flags=lanczos" -f null -; t1=$(now)
  ffmpeg -v error -nostdin -filter_threads 1 -i "$tmp/many.y4m" -f null -; t2=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >> "$tmp/scale"
  awk -v a="$t1" -v b="$t2" 'BEGIN {print b - a}' >> "$tmp/null"
done
n=$((frames * 5))
ffms=$(awk -v s="$(best < "$tmp/scale")" -v z="$(best < "$tmp/null")" -v n="$n" 'BEGIN {print (s - z) / n * 1000}')
vl=$(field lanczos 1)
printf "lanczos x2 on %s: vsr %.2f ms/frame (1 thread), ffmpeg scale=flags=lanczos %.2f ms/frame (1 filter thread, best of 5, decode subtracted): vsr/ffmpeg speed %.2fx\n" \
  "$size" "$vl" "$ffms" "$(awk -v a="$ffms" -v b="$vl" 'BEGIN {print a / b}')"

if [[ $models == *rlfn_x2* ]] && [ -n "${RLFN_REPO:-}" ] && "$python" -c "import torch" 2>/dev/null; then
  ffmpeg -v error -nostdin -i "$input" -frames:v 1 -f rawvideo -pix_fmt rgb24 "$tmp/frame.rgb"
  "$python" scripts/rlfn_pytorch_timing.py --repo "$RLFN_REPO" --checkpoint "$checkpoint" --scale 2 \
    --rgb "$tmp/frame.rgb" --size "$size" --threads "$threads" | tee "$tmp/torch.txt"
  for t in ${threads//,/ }; do
    v=$(field rlfn_x2 "$t")
    p=$(awk -v t="$t" '$1 == "pytorch" && $2 == t {print $4}' "$tmp/torch.txt")
    printf "RLFN x2 on %s, %s thread(s): vsr %.1f ms/frame (whole frame path), PyTorch %.1f ms (forward only): vsr/PyTorch speed %.2fx\n" \
      "$size" "$t" "$v" "$p" "$(awk -v a="$p" -v b="$v" 'BEGIN {print a / b}')"
  done
else
  echo "PyTorch comparison skipped: needs $checkpoint, RLFN_REPO (the official RLFN checkout) and python3-torch"
fi
