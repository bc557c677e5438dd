#!/usr/bin/env bash
# How long `vsr probe` takes on a 1080p HEVC clip, against its bound: 3 x --benchmark-seconds plus
# the time to read the file's packets (ffprobe -count_packets). A benchmark, not a test: run it
# on the machine whose figures you quote (`lscpu | grep 'Model name'`).
# Usage: scripts/probe-time.sh [BENCHMARK_SECONDS] [MODEL]
set -euo pipefail
seconds=${1:-2}
model=${2:-repsr-y-x2}
vsr=${VSR:-.build/release/vsr}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clip="$work/clip-1080p.mkv"
ffmpeg -v error -f lavfi -i "testsrc2=size=1920x1080:rate=25" -t 10 -c:v libx265 -preset ultrafast \
  -x265-params log-level=error "$clip"
now() { date +%s.%N; }
start=$(now); ffprobe -v error -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$clip" >/dev/null; end=$(now)
demux=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
start=$(now); "$vsr" probe "$clip" --model "$model" --benchmark-seconds "$seconds" | tail -1; end=$(now)
probe=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
bound=$(awk -v s="$seconds" -v d="$demux" 'BEGIN { print 3 * s + d }')
printf 'cpu: %s\n' "$(lscpu | sed -n 's/^Model name: *//p')"
printf 'vsr probe (%s, --benchmark-seconds %s): %.2f s; bound 3 x %s + demux %.2f s = %.2f s: %s\n' \
  "$model" "$seconds" "$probe" "$seconds" "$demux" "$bound" "$(awk -v p="$probe" -v b="$bound" 'BEGIN { print (p <= b) ? "within" : "OVER" }')"
