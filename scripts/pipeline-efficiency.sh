#!/usr/bin/env bash
# End-to-end `vsr upscale` throughput and CPU use against the same model's SR-only throughput on the
# same frames, measured in one run of this script:
#  - SR only: `vsr bench --input` times one upscaler on the input's first frame with 1 and with all
#    threads; the SR-only throughput of the machine is the better of (all threads, one frame at a
#    time) and (one thread per core, one frame per core: cores / the 1-thread time). The end-to-end
#    fps is also given against the first alone, `vsr bench`'s own figure for all threads;
#  - end to end: `vsr upscale` (decode, upscale with the default parallelism, libx264 encode) timed
#    with GNU time; CPU use = (user + sys) / wall;
#  - the same with no encoder (y4m to /dev/null): the pipeline's own throughput, with the frames
#    upscaled side by side as they really run (sharing L3 and memory), where "cores / the 1-thread
#    time" assumes they scale perfectly;
#  - the encoder alone: the upscaled video's frames, decoded to raw beforehand, encoded again by the
#    ffmpeg CLI with ENCODE_ARGS (default: vsr's default, libx264 medium crf 18; keep it in step with
#    UPSCALE_ARGS), timed with GNU time. Its CPU seconds per frame plus the upscaler's (cores / SR-only
#    fps) give the best throughput the two could reach sharing the cores perfectly, the ceiling
#    against which the pipeline itself (decode, queues, conversions, muxing) is judged.
#   scripts/pipeline-efficiency.sh MODEL [INPUT] [FRAMES]
# UPSCALE_ARGS adds options to the `vsr upscale` run, e.g. UPSCALE_ARGS="--recipe fast-x2" (x264
# veryfast) to see how much of the gap is the encoder's share of the cores.
# The last line splits the run's CPU per frame (vsr upscale's --stats-json) into the upscaler, the
# encoder's and decoder's own threads and the rest, each against its time alone.
# Runs of a few dozen frames understate the steady state: x264 medium looks 40 frames ahead, so the
# encoder starts late and finishes alone. 640x360 -> 1280x720 on a 2-vCPU AVX2-only AMD EPYC (family
# 23 model 1), one hour: 40 frames 84% of the ceiling on 1.81 cores, 200 frames 91% on 1.96.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: pipeline-efficiency.sh MODEL [INPUT] [FRAMES]}
input=${2:-Samples/testsrc2-320x180-h264-aac.mp4}
frames=${3:-20}
vsr=${VSR_BIN:-.build/release/vsr}
cores=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$vsr" bench --models "$model" --input "$input" --frames "$frames" --threads "1,$cores" --json "$tmp/b.json" > /dev/null
read -r t1 tn < <(python3 -c "
import json; m = json.load(open('$tmp/b.json'))['models']
print(*[r['median_ms'] / 1000 for r in m])")
/usr/bin/time -f "%U %S %e" -o "$tmp/time" "$vsr" upscale "$input" -o "$tmp/out.mkv" --model "$model" --frames "$frames" \
  ${UPSCALE_ARGS:-} --progress none --stats-json "$tmp/stats.json" 2> "$tmp/err" || { cat "$tmp/err"; exit 1; }
read -r user sys wall < "$tmp/time"
# The same run with no encoder (y4m to /dev/null; UPSCALE_ARGS left out, since encoder options do
# not apply to y4m): the pipeline's own throughput, decode, two frames upscaled side by side,
# conversions and the y4m writer, measured rather than taken as cores / the one-thread time.
"$vsr" upscale "$input" -o - --model "$model" --frames "$frames" --progress none --stats-json "$tmp/bare-stats.json" \
  > /dev/null 2> "$tmp/err" || { cat "$tmp/err"; exit 1; }
encode_args=${ENCODE_ARGS:--c:v libx264 -preset medium -crf 18}
read -r out_width out_height < <(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0 "$tmp/out.mkv" | tr ',' ' ')
ffmpeg -v error -i "$tmp/out.mkv" -map 0:v:0 -fps_mode passthrough -f rawvideo -pix_fmt yuv420p "$tmp/frames.yuv"
# shellcheck disable=SC2086 # ENCODE_ARGS is a list of options
/usr/bin/time -f "%U %S %e" -o "$tmp/encode-time" ffmpeg -v error -f rawvideo -pix_fmt yuv420p -s "${out_width}x$out_height" \
  -i "$tmp/frames.yuv" $encode_args -f null -
read -r encode_user encode_sys encode_wall < "$tmp/encode-time"
encoded_frames=$(($(stat -c %s "$tmp/frames.yuv") / (out_width * out_height * 3 / 2)))
rm -f "$tmp/frames.yuv"
python3 - "$t1" "$tn" "$cores" "$user" "$sys" "$wall" "$frames" "$model" "$tmp/stats.json" \
  "$encode_user" "$encode_sys" "$encode_wall" "$encode_args" "$encoded_frames" "$tmp/bare-stats.json" <<'PY'
import json, sys
t1, tn, cores, user, sys_, wall, frames, model, stats, encode_user, encode_sys, encode_wall, encode_args, encoded, bare = sys.argv[1:]
t1, tn, cores, user, sys_, wall = map(float, (t1, tn, cores, user, sys_, wall))
encode_user, encode_sys, encode_wall, encoded = map(float, (encode_user, encode_sys, encode_wall, encoded))
s = json.load(open(stats))
frames = float(s['frames'])  # what vsr upscale wrote: fewer than asked when the input is shorter
sr_only = max(1 / tn, cores / t1)
print(f"{model}: SR only {1/t1:.2f} fps on 1 thread, {1/tn:.2f} fps on {cores:.0f} threads, "
      f"{cores/t1:.2f} fps as {cores:.0f} single-thread frames -> best {sr_only:.2f} fps")
print(f"{model}: vsr upscale {frames:.0f} frames{' (preset ' + s['preset'] + ')' if s.get('preset') else ''} ({s['workers']} workers x {s['threads']} threads): {s['fps']:.2f} fps "
      f"(pipeline), {frames / wall:.2f} fps (process wall {wall:.2f} s) = {100 * s['fps'] / sr_only:.0f}% of SR only "
      f"({100 * s['fps'] * tn:.0f}% of one frame at a time on {cores:.0f} threads); "
      f"CPU {(user + sys_) / wall:.2f} cores ((user {user:.2f} + sys {sys_:.2f}) / wall {wall:.2f})")
bare = json.load(open(bare))
print(f"{model}: vsr upscale with no encoder (y4m to /dev/null, {bare['workers']} workers x {bare['threads']} threads): "
      f"{bare['fps']:.2f} fps = {100 * bare['fps'] / sr_only:.0f}% of SR only; with the encoder, "
      f"{100 * s['fps'] / bare['fps']:.0f}% of that")
encode_cpu = (encode_user + encode_sys) / encoded
ceiling = cores / (cores / sr_only + encode_cpu)
print(f"encoder alone ({encode_args}, {encoded:.0f} frames): {encoded / encode_wall:.2f} fps, {1000 * encode_cpu:.1f} CPU ms a frame; "
      f"upscaler + encoder sharing {cores:.0f} cores perfectly: {ceiling:.2f} fps = {100 * ceiling / sr_only:.0f}% of SR only; "
      f"vsr upscale reached {100 * s['fps'] / ceiling:.0f}% of that")
# Where the run's CPU went, from vsr upscale's own accounting (--stats-json): each part per frame
# against the same part timed alone above, so a gap to the ceiling shows up as the upscaler or the
# encoder running slower beside the other (shared L3 and memory, time slices), or as the rest.
# A stage's CPU time is its own threads': with more than one thread a frame, the upscaler's helper
# threads would count as the libraries', so the split needs one thread per worker.
if s['threads'] == 1:
    upscale_cpu = next(stage['cpu_seconds'] for stage in s['stages'] if stage['name'] == 'upscale') / frames
    library_cpu = s['library_cpu_seconds'] / frames
    rest_cpu = s['process_cpu_seconds'] / frames - upscale_cpu - library_cpu
    print(f"CPU ms a frame in vsr upscale: upscaler {1000 * upscale_cpu:.1f} (alone: {1000 * t1:.1f} on one thread, "
          f"{100 * (upscale_cpu / t1 - 1):+.0f}%), encoder and decoder threads {1000 * library_cpu:.1f} "
          f"(encoder alone: {1000 * encode_cpu:.1f}, {100 * (library_cpu / encode_cpu - 1):+.0f}%), "
          f"decode, conversions and muxing {1000 * rest_cpu:.1f}")
else:
    print(f"CPU split not shown: {s['threads']} threads a frame (the upscaler's helper threads are no stage's)")
PY
