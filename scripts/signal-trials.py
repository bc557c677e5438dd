#!/usr/bin/env python3
"""SIGINT and SIGTERM at random points of `vsr upscale`: every trial must end in bounded time with
either a playable file under the final name (exit 0 or 130) or no file and a clean error, and never
leave a temporary file behind.

    scripts/signal-trials.py [--trials 100] [--seed 1] [--vsr .build/release/vsr]

Prints one line per trial and a summary table; exits 1 if any trial broke a rule."""
import argparse
import collections
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def decodes_cleanly(path):
    """Frames ffmpeg decodes from `path` without an error, or None when it reports one."""
    result = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-map', '0:v', '-f', 'framemd5', '-'],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or result.stderr.strip():
        return None
    return sum(1 for line in result.stdout.splitlines() if line and not line.startswith('#'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--trials', type=int, default=100)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--vsr', default=os.path.join(ROOT, '.build', 'release', 'vsr'))
    parser.add_argument('--frames', type=int, default=60, help='length of the generated input')
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix='vsr-signals-')
    source = os.path.join(work, 'in.mp4')
    subprocess.run(['ffmpeg', '-v', 'error', '-f', 'lavfi', '-i', f'testsrc2=size=320x180:rate=25',
                    '-frames:v', str(args.frames), '-c:v', 'libx264', '-preset', 'ultrafast', source], check=True)
    command = [args.vsr, 'upscale', source, '--model', 'bicubic', '--progress', 'none', '-y']
    # One uninterrupted run sets the range of signal times: from process start to a bit past the end.
    start = time.monotonic()
    subprocess.run(command + ['-o', os.path.join(work, 'full.mkv')], check=True, capture_output=True)
    full = time.monotonic() - start
    outcomes, failures = collections.Counter(), []
    for trial in range(args.trials):
        folder = os.path.join(work, f'trial{trial}')
        os.mkdir(folder)
        extension = rng.choice(['mkv', 'mp4', 'y4m'])
        output = os.path.join(folder, f'out.{extension}')
        number = rng.choice([signal.SIGINT, signal.SIGTERM])
        delay = rng.uniform(0, full * 1.2)
        process = subprocess.Popen(command + ['-o', output], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        process.send_signal(number)
        try:
            _, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            failures.append(f'trial {trial}: hung after {number.name} at {delay:.2f} s')
            outcomes['hang'] += 1
            continue
        status = process.returncode
        leftovers = sorted(set(os.listdir(folder)) - {f'out.{extension}'})
        exists = os.path.exists(output)
        frames = decodes_cleanly(output) if exists else None
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ''
        if status == 0:
            kind = 'finished'
            ok = exists and frames == args.frames
        elif status == 130:
            kind = 'interrupted, file kept' if exists else 'interrupted, nothing written'
            ok = (frames is not None and frames > 0) if exists else 'nothing was written' in stderr
        elif status == -number:
            # Only before vsr installs its handler, when no output exists yet.
            kind = 'killed before the handler'
            ok = not exists
        else:
            kind = f'exit {status}'
            ok = False
        ok = ok and not leftovers
        outcomes[kind] += 1
        line = (f'trial {trial:3d}: {number.name:7s} at {delay:5.2f} s -> {kind:28s} .{extension:3s} '
                f'frames={frames if exists else "-"} {"ok" if ok else "FAIL"}')
        print(line, flush=True)
        if not ok:
            failures.append(f'{line}; leftovers={leftovers}; stderr: {last}')
    print(f'\n{args.trials} trials, uninterrupted run {full:.2f} s, input {args.frames} frames')
    for kind, count in sorted(outcomes.items()):
        print(f'  {kind:30s} {count}')
    if failures:
        print('FAILURES:\n' + '\n'.join(failures))
        return 1
    print('every trial ended with a playable file or a clean error, and no temporary file')
    return 0


if __name__ == '__main__':
    sys.exit(main())
