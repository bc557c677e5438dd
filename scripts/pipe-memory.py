#!/usr/bin/env python3
"""Resident memory of `vsr upscale - -o -` over a long y4m stream, frame by frame.

ffmpeg generates FRAMES frames of WxH testsrc2 into vsr's stdin; this script reads vsr's stdout
frame by frame and samples vsr's current RSS (VmRSS) after each output frame, then prints the peak
over the first 100 frames and over the last 100.
  scripts/pipe-memory.py [--frames 10000] [--size 64x64] [--vsr .build/release/vsr]"""
import argparse, subprocess, sys

parser = argparse.ArgumentParser()
parser.add_argument('--frames', type=int, default=10000)
parser.add_argument('--size', default='64x64')
parser.add_argument('--vsr', default='.build/release/vsr')
parser.add_argument('--model', default='bicubic')
args = parser.parse_args()
width, height = map(int, args.size.split('x'))

source = subprocess.Popen(['ffmpeg', '-v', 'error', '-nostdin', '-f', 'lavfi', '-i', f'testsrc2=s={args.size}:r=25',
                           '-frames:v', str(args.frames), '-f', 'yuv4mpegpipe', '-'], stdout=subprocess.PIPE)
vsr = subprocess.Popen([args.vsr, 'upscale', '-', '-o', '-', '--model', args.model, '--progress', 'none'],
                       stdin=source.stdout, stdout=subprocess.PIPE)
source.stdout.close()


def rss_kb():
    with open(f'/proc/{vsr.pid}/status') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return -1


out = vsr.stdout
header = out.readline()
scale = int(header.split(b' W')[1].split(b' ')[0]) // width
frame_bytes = 6 + (width * scale) * (height * scale) * 3 // 2
samples = []
while True:
    chunk = out.read(frame_bytes)
    if len(chunk) < frame_bytes:
        break
    samples.append(rss_kb())
vsr.wait()
source.wait()
if vsr.returncode != 0 or len(samples) != args.frames:
    sys.exit(f'pipe-memory: vsr exited {vsr.returncode} after {len(samples)} of {args.frames} frames')
first, last = max(samples[:100]), max(samples[-100:])
print(f'{args.frames} frames of {args.size} through `vsr upscale - -o -` ({args.model}): '
      f'peak RSS {first} kB over the first 100 frames, {last} kB over the last 100 ({100 * (last - first) / first:+.1f}%)')
