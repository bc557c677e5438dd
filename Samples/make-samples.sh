#!/usr/bin/env bash
# Makes the sample clips in this folder with the ffmpeg CLI from lavfi sources (no external media).
# The clips are committed; re-run this script to regenerate them (bit-exactness across FFmpeg
# versions is not expected, and the tests do not depend on it).
set -euo pipefail
cd "$(dirname "$0")"
ff=(ffmpeg -hide_banner -loglevel error -y)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. 2 s of testsrc2 at 320x180, 25 fps, H.264 + AAC in mp4, tagged BT.709 limited range.
"${ff[@]}" -f lavfi -i "testsrc2=size=320x180:rate=25:duration=2" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=2" \
  -map 0:v -map 1:a -c:v libx264 -preset medium -crf 20 -pix_fmt yuv420p \
  -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv \
  -c:a aac -b:a 64k -metadata title="vsr sample: testsrc2 320x180" \
  -movflags +faststart testsrc2-320x180-h264-aac.mp4

# 2. Variable frame rate: mandelbrot at 30 fps with every third frame dropped and the rest of the
#    timestamps kept, 256x144 H.264 in mkv, with AAC audio, an SRT subtitle stream and chapters.
cat > "$tmp/subs.srt" <<'SRT'
1
00:00:00,000 --> 00:00:01,000
First subtitle

2
00:00:01,200 --> 00:00:02,000
Second subtitle
SRT
cat > "$tmp/chapters.txt" <<'META'
;FFMETADATA1
title=vsr sample: variable frame rate
[CHAPTER]
TIMEBASE=1/1000
START=0
END=1000
title=One
[CHAPTER]
TIMEBASE=1/1000
START=1000
END=2000
title=Two
META
"${ff[@]}" -f lavfi -i "mandelbrot=size=256x144:rate=30,trim=duration=2,select='not(eq(mod(n\,3)\,1))'" \
  -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=2" \
  -i "$tmp/subs.srt" -i "$tmp/chapters.txt" \
  -map 0:v -map 1:a -map 2:s -map_metadata 3 -map_chapters 3 -fps_mode passthrough \
  -c:v libx264 -preset medium -crf 22 -pix_fmt yuv420p \
  -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv \
  -c:a aac -b:a 48k -c:s srt vfr-mandelbrot-256x144.mkv

# 3. 10-bit 4:2:2 at an odd size (321x181), FFV1 in mkv (H.264 cannot code odd 4:2:2 sizes),
#    non-square pixels (SAR 10:11) and BT.2020 / HLG tags, 1 s at 12 fps.
"${ff[@]}" -f lavfi -i "testsrc2=size=322x182:rate=12:duration=1,format=yuv444p,crop=321:181:0:0,setsar=10/11" \
  -c:v ffv1 -level 3 -pix_fmt yuv422p10le \
  -color_primaries bt2020 -color_trc arib-std-b67 -colorspace bt2020nc -color_range tv \
  odd-321x181-yuv422p10.mkv

ls -l ./*.mp4 ./*.mkv
