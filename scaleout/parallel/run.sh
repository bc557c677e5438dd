#!/usr/bin/env bash
# Runs every task of a planned vsr job with GNU parallel, on this machine or several:
#   scaleout/parallel/run.sh JOBDIR JOBLOG [parallel options]
# e.g. -j 2 (tasks at once here), or --sshlogin 4/node1,4/node2 --workdir . to spread them over
# machines that see JOBDIR and the input at the same paths and have vsr on their PATH.
# Run the same command again after a crash, a Ctrl-C or a lost machine: --resume-failed reruns the
# tasks the joblog does not show as succeeded, and vsr skips every segment that has a receipt.
# Then: vsr merge --job JOBDIR -o OUTPUT
set -euo pipefail
job=${1:?JOBDIR}; joblog=${2:?JOBLOG}; shift 2
vsr=${VSR:-vsr}
# --retries: a task that exits 75 (interrupted, transient) is worth another try at once.
exec parallel --joblog "$joblog" --resume-failed --retries 3 --halt never "$@" \
  "$vsr" upscale --job "$job" --task {} ::: $("$vsr" status --job "$job" --format list)
