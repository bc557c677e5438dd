#!/usr/bin/env bash
# A one-node Slurm cluster owned by whoever runs this (root), for vsr's tests and for trying the
# job-array recipe on one machine: munged, slurmctld and slurmd with a configuration, key, state and
# logs all under DIR, reached at 127.0.0.1 (no DNS needed). Stopped by the pids it recorded, never by name.
#   local-cluster.sh start DIR    prints nothing on success; on failure the daemons' log lines
#   local-cluster.sh stop DIR
#   local-cluster.sh env DIR      prints the export lines a shell needs (SLURM_CONF, MUNGE socket)
set -euo pipefail
action=${1:?start|stop|env}
dir=$(realpath -m "${2:?DIR}")
conf=$dir/slurm.conf
socket=$dir/munge/munge.socket.2

environment() {
  echo "export SLURM_CONF=$conf"
  # Slurm's auth/munge plugin finds munged's socket through this (slurm.conf AuthInfo says so too).
  echo "export MUNGE_SOCKET=$socket"
}

case $action in
env) environment ;;
start)
  mkdir -p "$dir"/{munge,state,spool,log}
  chmod 700 "$dir/munge"
  host=$(hostname -s)
  cpus=$(nproc)
  mungekey -c -f -k "$dir/munge/munge.key" 2>/dev/null || mungekey --create --force --keyfile="$dir/munge/munge.key"
  chmod 600 "$dir/munge/munge.key"
  munged --socket="$socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed" --force
  cat > "$conf" <<CONF
ClusterName=vsrtest
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmUser=root
SlurmctldPort=$((20000 + RANDOM % 20000))
SlurmdPort=$((40000 + RANDOM % 20000))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
RequeueExit=75
JobRequeue=1
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$conf MUNGE_SOCKET=$socket
  slurmctld -f "$conf" -i
  slurmd -f "$conf"
  for _ in $(seq 1 60); do
    if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then exit 0; fi
    sleep 0.5
  done
  echo "local-cluster.sh: Slurm did not come up in 30 s; its logs:" >&2
  tail -n 20 "$dir"/log/*.log >&2 || true
  exit 1
  ;;
stop)
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  ;;
*) echo "usage: local-cluster.sh start|stop|env DIR" >&2; exit 64 ;;
esac
