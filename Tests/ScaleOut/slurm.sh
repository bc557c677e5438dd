#!/usr/bin/env bash
# A planned vsr job on a real one-node Slurm cluster (started here, stopped by pid at the end):
#  - the job array runs scaleout/slurm/vsr-task.sbatch, as a user would;
#  - task 1 gets SIGTERM part way through a segment: vsr exits 75 and Slurm requeues it (RequeueExit=75);
#  - task 3 gets SIGKILL from outside (scancel --signal=KILL) part way through a segment: it fails;
#  - `vsr status --missing --format slurm` names task 3, which is submitted again with a merge job
#    that depends on it (afterok);
#  - the merged file must have the bytes of an uninterrupted run, and no temporary file may be left.
# usage: slurm.sh VSR WORKDIR   (exit 0: passed; otherwise the reason and the daemons' logs)
set -euo pipefail
vsr=$(realpath "$1"); work=$(realpath -m "$2")
scaleout=$(cd "$(dirname "$0")/../../scaleout" && pwd)
mkdir -p "$work"; cd "$work"
export VSR=$vsr
fail() { echo "slurm.sh: FAILED: $*" >&2; tail -n 15 "$work"/cluster/log/*.log "$work"/vsr-*.log >&2 2>/dev/null || true; exit 1; }
bash "$scaleout/slurm/local-cluster.sh" start "$work/cluster" || fail "Slurm did not start"
trap 'bash "$scaleout/slurm/local-cluster.sh" stop "$work/cluster"' EXIT
eval "$(bash "$scaleout/slurm/local-cluster.sh" env "$work/cluster")"

ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=320x180:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 \
  -t 10 -c:v libx264 -g 50 -bf 2 -c:a aac -shortest input.mkv
"$vsr" upscale input.mkv -o reference.mkv --resumable --job "$work/reference-job" --segment-frames 50 2> reference.log ||
  fail "uninterrupted run: $(cat reference.log)"
tasks=$("$vsr" plan input.mkv --job "$work/job" --segment-frames 50 2> plan.log)
[ "$tasks" = 5 ] || fail "plan made $tasks tasks, expected 5"

array=$(sbatch --parsable --array=0-4 "$scaleout/slurm/vsr-task.sbatch" "$work/job")
# Waits until task $1 is running and has a temporary segment being written, then sends it signal $2.
interrupt() {
  local task=$1 signal=$2
  for _ in $(seq 1 600); do
    if squeue -h -j "${array}_$task" -t R -o %i 2>/dev/null | grep -q . && compgen -G "$work/job/seg/..$task.*tmp*" > /dev/null; then
      sleep 0.3
      # --batch: the signal goes to the batch step, which the script's exec made vsr itself.
      # This Slurm (22.05) delivers the signal, then answers "Job can not be altered now" and retries
      # for a minute, which could signal the requeued element again: scancel gets 2 s, and the
      # checks below judge by what happened.
      timeout 2 scancel --batch --signal="$signal" "${array}_$task" 2> /dev/null || true
      return 0
    fi
    sleep 0.05
  done
  fail "task $task was never seen running"
}
interrupt 1 TERM
# Slurm requeues an element that exited with RequeueExit's status, eligible again 120 s later (its
# fixed requeue delay); once the requeue is seen (Restarts=1, exit 75) it is released now.
for _ in $(seq 1 300); do
  state=$(scontrol show job "${array}_1" 2>/dev/null || true)
  if grep -q "Restarts=1" <<< "$state" && grep -q "ExitCode=75:0" <<< "$state"; then
    grep -q "JobState=PENDING" <<< "$state" && scontrol update JobId="${array}_1" StartTime=now
    break
  fi
  sleep 0.1
done
grep -q "Restarts=1" <<< "$state" || fail "task 1 was not requeued: $state"
interrupt 3 KILL
for _ in $(seq 1 900); do squeue -h -j "$array" 2>/dev/null | grep -q . || break; sleep 0.2; done
squeue -h -j "$array" | grep -q . && fail "the job array did not finish in 180 s"
grep -q "interrupted" vsr-task-"${array}"_1.log || fail "task 1 was not interrupted: $(cat vsr-task-"${array}"_1.log)"
grep -q "task 1: done" vsr-task-"${array}"_1.log || fail "task 1 was not requeued and finished: $(cat vsr-task-"${array}"_1.log)"
missing=$("$vsr" status --job "$work/job" --missing --format slurm)
[ "$missing" = 3 ] || fail "vsr status --missing --format slurm said '$missing', expected 3"

again=$(sbatch --parsable --array="$missing" "$scaleout/slurm/vsr-task.sbatch" "$work/job")
merge=$(sbatch --parsable --dependency=afterok:"$again" "$scaleout/slurm/vsr-merge.sbatch" "$work/job" "$work/merged.mkv")
for _ in $(seq 1 900); do squeue -h -j "$again,$merge" 2>/dev/null | grep -q . || break; sleep 0.2; done
[ -f merged.mkv ] || fail "the merge job wrote nothing: $(cat vsr-merge-"$merge".log)"
[ "$(sha256sum < merged.mkv)" = "$(sha256sum < reference.mkv)" ] || fail "merged.mkv differs from the uninterrupted run"
leftovers=$(find "$work/job" -name '.*tmp*')
[ -z "$leftovers" ] || fail "temporary files left: $leftovers"
"$vsr" status --job "$work/job"
echo "slurm.sh: passed: task 1 requeued after exit 75, task 3 killed and resubmitted ($missing), merged bytes = uninterrupted run"
