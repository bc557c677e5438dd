#!/usr/bin/env bash
# Small media files for fuzz-media's corpus (made at fuzz time, never committed): a few frames each
# in the containers and codecs vsr meets most, with audio, subtitles and colour tags.
set -euo pipefail
out=$1
mkdir -p "$out"
src=(-f lavfi -i testsrc2=size=64x36:rate=10:duration=0.5 -f lavfi -i sine=duration=0.5)
ff() { ffmpeg -v error -nostdin -y "$@"; }
ff "${src[@]}" -c:v libx264 -bf 2 -g 4 -c:a aac -movflags +faststart "$out/h264-aac.mp4"
ff "${src[@]}" -c:v libx264 -c:a aac -movflags +frag_keyframe+empty_moov "$out/fragmented.mp4"
ff "${src[@]}" -c:v libx265 -x265-params log-level=none -c:a libopus "$out/hevc-opus.mkv"
ff "${src[@]}" -c:v libvpx-vp9 -c:a libopus "$out/vp9-opus.webm"
ff "${src[@]}" -c:v mpeg2video -c:a mp2 "$out/mpeg2.ts"
ff -f lavfi -i testsrc2=size=64x36:rate=10:duration=0.5 -c:v ffv1 -pix_fmt yuv422p10le -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc "$out/ffv1-10bit-pq.mkv"
ff -f lavfi -i testsrc2=size=48x32:rate=5:duration=0.6 -c:v mpeg4 "$out/mpeg4.avi"
echo "media seeds: $(ls "$out" | wc -l) files in $out"
