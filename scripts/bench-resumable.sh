#!/usr/bin/env bash
# The cost of --resumable (a benchmark, not a test): a plain `vsr upscale` against a resumable run of
# the same clip with the default model, side by side in one run: wall time, output size, and the plan's
# decoding pass as a share of the resumable run. The clip: 1,000 frames of 640x360 (testsrc2 with
# film grain, x264 with FFmpeg's default GOP of 250), made here with ffmpeg.
#   scripts/bench-resumable.sh [VSR] [WORKDIR]
set -euo pipefail
vsr=$(realpath "${1:-.build/release/vsr}")
scripts=$(realpath "$(dirname "$0")")
work=${2:-$(mktemp -d)}
mkdir -p "$work"; cd "$work"
clip=clip-640x360.mp4
[ -f "$clip" ] || ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=640x360:rate=25 -frames:v 1000 \
  -vf "noise=alls=12:allf=t" -c:v libx264 -preset medium -crf 20 "$clip"
frames=$(ffprobe -v error -select_streams v -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$clip")
seconds() { local start=$(date +%s.%N); "$@" > /dev/null 2>&1; echo "$(date +%s.%N) - $start" | bc; }
rm -rf plain.mkv resumable.mkv resumable.mkv.vsr-job plan-only
plain=$(seconds "$vsr" upscale "$clip" -o plain.mkv --progress none)
resumable=$(seconds "$vsr" upscale "$clip" -o resumable.mkv --resumable --progress none)
plan=$(seconds "$vsr" plan "$clip" --job plan-only)
size() { stat -c %s "$1"; }
"$scripts"/cpu-description.sh
printf '%s frames 640x360 -> 1280x720, repsr-y-x2, libx264 crf 18 medium\n' "$frames"
printf '%-12s %9s %8s %12s\n' run seconds fps bytes
printf '%-12s %9.1f %8.2f %12d\n' plain "$plain" "$(echo "$frames / $plain" | bc -l)" "$(size plain.mkv)"
printf '%-12s %9.1f %8.2f %12d\n' resumable "$resumable" "$(echo "$frames / $resumable" | bc -l)" "$(size resumable.mkv)"
printf 'resumable / plain: time %.3fx, size %.3fx; the plan pass: %.1f s, %.1f%% of the resumable run\n' \
  "$(echo "$resumable / $plain" | bc -l)" "$(echo "$(size resumable.mkv) / $(size plain.mkv)" | bc -l)" \
  "$plan" "$(echo "100 * $plan / $resumable" | bc -l)"
