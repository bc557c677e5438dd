#!/usr/bin/env python3
"""Soak: `ffmpeg (testsrc2, endless) | vsr upscale - -o - | reader` for a fixed time. vsr's resident
memory (VmRSS) and open file descriptors are sampled every few seconds; the run fails when either
grows from the first minute to the last.

    scripts/soak.py [--minutes 30] [--size 160x90] [--model repsr-y-x2] [--vsr .build/release/vsr]

Prints a sample line every minute and a summary; exits 1 on growth or on a failed run."""
import argparse
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kb(pid):
    with open(f'/proc/{pid}/status') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--minutes', type=float, default=30)
    parser.add_argument('--size', default='160x90')
    parser.add_argument('--model', default='repsr-y-x2')
    parser.add_argument('--interval', type=float, default=5, help='seconds between samples')
    parser.add_argument('--tolerance', type=float, default=0.10, help='allowed RSS growth, first to last minute')
    parser.add_argument('--vsr', default=os.path.join(ROOT, '.build', 'release', 'vsr'))
    args = parser.parse_args()

    source = subprocess.Popen(['ffmpeg', '-v', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i',
                               f'testsrc2=size={args.size}:rate=250', '-f', 'yuv4mpegpipe', '-'],
                              stdout=subprocess.PIPE)
    vsr = subprocess.Popen([args.vsr, 'upscale', '-', '-o', '-', '--model', args.model, '--progress', 'none'],
                           stdin=source.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    source.stdout.close()
    received = [0]

    def drain():
        while True:
            chunk = vsr.stdout.read(1 << 20)
            if not chunk:
                return
            received[0] += len(chunk)
    reader = threading.Thread(target=drain)
    reader.start()

    samples = []  # (seconds, rss kB, open fds)
    start = time.monotonic()
    next_report = 60
    while time.monotonic() - start < args.minutes * 60 and vsr.poll() is None:
        time.sleep(args.interval)
        elapsed = time.monotonic() - start
        try:
            samples.append((elapsed, rss_kb(vsr.pid), len(os.listdir(f'/proc/{vsr.pid}/fd'))))
        except FileNotFoundError:
            break
        if elapsed >= next_report:
            print(f'{elapsed / 60:5.1f} min: RSS {samples[-1][1]} kB, {samples[-1][2]} open fds, '
                  f'{received[0] / 1e9:.2f} GB out', flush=True)
            next_report += 60
    source.terminate()  # vsr sees the end of its input and finishes normally
    source.wait()
    _, stderr = vsr.communicate(timeout=120)
    reader.join()
    elapsed = time.monotonic() - start
    stderr = stderr.decode(errors='replace').strip()
    print(stderr)
    # A frame of the output: the y4m FRAME line plus the 4:2:0 planes at twice the size.
    width, height = (int(v) * 2 for v in args.size.split('x'))
    frames = received[0] // (6 + width * height * 3 // 2)
    first = [s for s in samples if s[0] <= 60]
    last = [s for s in samples if s[0] >= samples[-1][0] - 60]
    first_rss, last_rss = max(s[1] for s in first), max(s[1] for s in last)
    first_fds, last_fds = max(s[2] for s in first), max(s[2] for s in last)
    growth = last_rss / first_rss - 1
    print(f'\nsoak: {elapsed / 60:.1f} min, about {frames} frames of {args.size} -> {width}x{height} ({args.model}), '
          f'vsr exit {vsr.returncode}')
    print(f'peak RSS: first minute {first_rss} kB, last minute {last_rss} kB ({growth:+.1%}); '
          f'over the whole run {min(s[1] for s in samples)}..{max(s[1] for s in samples)} kB')
    print(f'open fds: first minute {first_fds}, last minute {last_fds}')
    ok = vsr.returncode == 0 and growth <= args.tolerance and last_fds <= first_fds
    print('soak: ok' if ok else 'soak: FAILED')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
