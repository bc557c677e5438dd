#!/usr/bin/env bash
# End-to-end `vsr upscale`s with audio and subtitles copied, under ThreadSanitizer: the decode,
# worker and encode threads and the copied-packet hand-over (VSRMedia/CopiedPackets.swift) all run.
# Twice: two workers of one thread each (the default), then two workers of two threads each, whose
# layers fork at the same time, one on the kernels' fork/join pool and one on libdispatch (the pool
# takes one job at a time).
# Usage: scripts/tsan-upscale.sh PATH-TO-TSAN-BUILT-VSR
set -euo pipefail
vsr=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '1\n00:00:00,000 --> 00:00:00,800\nfirst\n\n2\n00:00:01,000 --> 00:00:01,900\nsecond\n' > "$work/subs.srt"
ffmpeg -v error -nostdin -f lavfi -i testsrc2=size=160x90:rate=25:duration=2 -f lavfi -i sine=frequency=440:duration=2 \
  -i "$work/subs.srt" -map 0 -map 1 -map 2 -c:v libx264 -pix_fmt yuv420p -c:a aac -c:s srt "$work/in.mkv"
for kind in audio subtitle; do
  ffprobe -v error -select_streams "${kind:0:1}" -show_entries packet=pts,size -of csv "$work/in.mkv" > "$work/in.$kind"
done
# halt_on_error: the first race ends the run with TSan's exit code (66), which fails this script.
for threads in 1 2; do
  TSAN_OPTIONS="halt_on_error=1 exitcode=66" SWIFT_BACKTRACE=enable=no \
    "$vsr" upscale "$work/in.mkv" -o "$work/out.mkv" -y --model repsr-y-x2 --workers 2 --threads "$threads" --progress none
  streams=$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$work/out.mkv" | sort | tr '\n' ' ')
  frames=$(ffprobe -v error -count_packets -select_streams v -show_entries stream=nb_read_packets -of csv=p=0 "$work/out.mkv")
  for kind in audio subtitle; do
    ffprobe -v error -select_streams "${kind:0:1}" -show_entries packet=pts,size -of csv "$work/out.mkv" > "$work/out.$kind"
  done
  [ "$streams" = "audio subtitle video " ] || { echo "tsan-upscale: output streams are '$streams', expected audio, subtitle and video" >&2; exit 1; }
  [ "$frames" = 50 ] || { echo "tsan-upscale: $frames video frames in the output, expected 50" >&2; exit 1; }
  cmp -s "$work/in.audio" "$work/out.audio" && cmp -s "$work/in.subtitle" "$work/out.subtitle" \
    || { echo "tsan-upscale: the copied audio or subtitle packets differ from the input's" >&2; exit 1; }
  echo "tsan-upscale: no data race with 2 workers of $threads thread(s); 50 frames, audio and subtitle packets copied exactly"
done
