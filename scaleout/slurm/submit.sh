#!/usr/bin/env bash
# Plans INPUT into JOBDIR (a folder every node sees at the same path), submits one array element per
# task and a merge job that runs when all of them succeeded. Extra arguments go to `vsr plan`
# (upscale options such as --model, --codec, --crf; --segment-frames, --tasks).
#   scaleout/slurm/submit.sh INPUT OUTPUT JOBDIR [vsr plan options]
# To resubmit what failed:  sbatch --array=$(vsr status --job JOBDIR --missing --format slurm) ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
input=${1:?INPUT}; output=${2:?OUTPUT}; job=${3:?JOBDIR}; shift 3
tasks=$("${VSR:-vsr}" plan "$input" --job "$job" "$@")
array=$(sbatch --parsable --array=0-$((tasks - 1)) "$here/vsr-task.sbatch" "$job")
merge=$(sbatch --parsable --dependency=afterok:"$array" "$here/vsr-merge.sbatch" "$job" "$output")
echo "tasks: job $array (array 0-$((tasks - 1))); merge: job $merge"
