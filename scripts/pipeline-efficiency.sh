#!/usr/bin/env bash
# End-to-end `vsr upscale` throughput and CPU use against the same model's SR-only throughput on the
# same frames, measured in one run of this script:
#  - SR only: `vsr bench --input` times one upscaler on the input's first frame with 1 and with all
#    threads; the SR-only throughput of the machine is the better of (all threads, one frame at a
#    time) and (one thread per core, one frame per core: cores / the 1-thread time);
#  - end to end: `vsr upscale` (decode, upscale with the default parallelism, libx264 encode) timed
#    with GNU time; CPU use = (user + sys) / wall.
#   scripts/pipeline-efficiency.sh MODEL [INPUT] [FRAMES]
# UPSCALE_ARGS adds options to the `vsr upscale` run, e.g. UPSCALE_ARGS="--pipeline fast-x2" (x264
# veryfast) to see how much of the gap is the encoder's share of the cores.
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
python3 - "$t1" "$tn" "$cores" "$user" "$sys" "$wall" "$frames" "$model" "$tmp/stats.json" <<'PY'
import json, sys
t1, tn, cores, user, sys_, wall, frames, model, stats = sys.argv[1:]
t1, tn, cores, user, sys_, wall, frames = map(float, (t1, tn, cores, user, sys_, wall, frames))
s = json.load(open(stats))
sr_only = max(1 / tn, cores / t1)
print(f"{model}: SR only {1/t1:.2f} fps on 1 thread, {1/tn:.2f} fps on {cores:.0f} threads, "
      f"{cores/t1:.2f} fps as {cores:.0f} single-thread frames -> best {sr_only:.2f} fps")
print(f"{model}: vsr upscale {frames:.0f} frames{' (preset ' + s['preset'] + ')' if s.get('preset') else ''} ({s['workers']} workers x {s['threads']} threads): {s['fps']:.2f} fps "
      f"(pipeline), {frames / wall:.2f} fps (process wall {wall:.2f} s) = {100 * s['fps'] / sr_only:.0f}% of SR only; "
      f"CPU {(user + sys_) / wall:.2f} cores ((user {user:.2f} + sys {sys_:.2f}) / wall {wall:.2f})")
PY
