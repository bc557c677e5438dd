#!/usr/bin/env bash
# A planned vsr job run by GNU parallel as scaleout/parallel/run.sh does, killed part way and rerun:
#  - `timeout -s KILL` kills parallel after 3 s; the vsr tasks it started are orphaned and go on
#    (so the rerun may run a task while its orphan still does: the commit protocol must hold);
#  - `parallel --joblog J --resume-failed` runs again what the joblog does not show as done;
#  - the merged file must have the bytes of an uninterrupted run, and no temporary file may be left.
# usage: parallel.sh VSR WORKDIR   (exit 0: passed)
set -euo pipefail
vsr=$(realpath "$1"); work=$(realpath -m "$2")
scaleout=$(cd "$(dirname "$0")/../../scaleout" && pwd)
mkdir -p "$work"; cd "$work"
export VSR=$vsr
fail() { echo "parallel.sh: FAILED: $*" >&2; cat "$work"/joblog "$work"/*.log >&2 2>/dev/null || true; exit 1; }

ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 \
  -t 10 -c:v libx264 -g 25 -bf 2 -c:a aac -shortest input.mkv
"$vsr" upscale input.mkv -o reference.mkv --resumable --job "$work/reference-job" --segment-frames 25 2> reference.log ||
  fail "uninterrupted run: $(cat reference.log)"
"$vsr" plan input.mkv --job "$work/job" --segment-frames 25 2> plan.log > tasks
[ "$(cat tasks)" = 10 ] || fail "plan made $(cat tasks) tasks, expected 10"

set +e
timeout -s KILL 3 bash "$scaleout/parallel/run.sh" "$work/job" "$work/joblog" -j 2 > first.log 2>&1
killed=$?
set -e
[ "$killed" = 137 ] || fail "parallel was not killed part way (status $killed): the job is too small to test resuming"
missing=$("$vsr" status --job "$work/job" --missing --format slurm)
[ -n "$missing" ] || fail "every task was done before the kill"
bash "$scaleout/parallel/run.sh" "$work/job" "$work/joblog" -j 2 > second.log 2>&1 || fail "the rerun failed: $(cat second.log)"
# Orphans of the killed parallel may still be finishing a segment: wait for them before merging.
for _ in $(seq 1 300); do pgrep -f "upscale --job $work/job " > /dev/null || break; sleep 0.1; done
"$vsr" merge --job "$work/job" -o merged.mkv 2> merge.log || fail "merge: $(cat merge.log)"
[ "$(sha256sum < merged.mkv)" = "$(sha256sum < reference.mkv)" ] || fail "merged.mkv differs from the uninterrupted run"
"$vsr" upscale --job "$work/job" --task 0 2> sweep.log || fail "a last task run: $(cat sweep.log)"
leftovers=$(find "$work/job" -name '.*tmp*')
[ -z "$leftovers" ] || fail "temporary files left: $leftovers"
echo "parallel.sh: passed: killed after 3 s with tasks $missing missing, resumed with --resume-failed, merged bytes = uninterrupted run"
