#!/usr/bin/env bash
# Times `vsr upscale --model bicubic` against `ffmpeg -vf scale=...:flags=bicubic` on the same
# input with the same encoder settings (libx264, crf 18, preset medium, audio copied), and prints
# the median wall time and fps of each over RUNS runs plus the ratio. Runs alternate, so load on
# this shared machine falls on both alike.
#   scripts/compare-classical-vs-ffmpeg.sh [INPUT] [SCALE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:-Samples/testsrc2-320x180-h264-aac.mp4}
scale=${2:-2}
runs=${3:-7}
vsr=${VSR_BIN:-.build/release/vsr}
[ -x "$vsr" ] || { echo "compare: $vsr not found; run 'make build' first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
frames=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$input")

now() { date +%s.%N; }
source scripts/median.sh

: > "$tmp/vsr-same"; : > "$tmp/vsr-default"; : > "$tmp/ffmpeg"
for _ in $(seq "$runs"); do
  t0=$(now); "$vsr" upscale "$input" -o "$tmp/v.mp4" -y --progress none --scale "$scale" --model bicubic \
    --chroma-scaler bicubic --crf 18 --preset medium 2>/dev/null; t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >> "$tmp/vsr-same"
  t0=$(now); "$vsr" upscale "$input" -o "$tmp/v.mp4" -y --progress none --scale "$scale" --model bicubic \
    --crf 18 --preset medium 2>/dev/null; t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >> "$tmp/vsr-default"
  t0=$(now); ffmpeg -v error -nostdin -y -i "$input" -map 0 -vf "scale=iw*$scale:ih*$scale:flags=bicubic" \
    -c:v libx264 -crf 18 -preset medium -c:a copy -c:s copy "$tmp/f.mp4"; t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}' >> "$tmp/ffmpeg"
done
report() { local t; t=$(median < "$tmp/$1"); awk -v t="$t" -v n="$frames" -v l="$2" 'BEGIN {printf "%-44s median %6.3f s  %7.1f fps\n", l, t, n / t}'; }
echo "input: $input ($frames frames), x$scale, libx264 crf 18 preset medium, $runs runs each, $(nproc) cores"
report vsr-same "vsr bicubic luma + bicubic chroma"
report vsr-default "vsr bicubic luma + lanczos chroma (default)"
report ffmpeg "ffmpeg scale=...:flags=bicubic"
awk -v f="$(median < "$tmp/ffmpeg")" -v v="$(median < "$tmp/vsr-same")" 'BEGIN {printf "ratio vsr/ffmpeg fps (same filters): %.2f\n", f / v}'
