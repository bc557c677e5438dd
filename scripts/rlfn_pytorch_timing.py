#!/usr/bin/env python3
"""Times the official RLFN PyTorch code on one frame: the model class is imported from a checkout of
the official repository (never copied into this project), weights from an official checkpoint, input
an rgb24 frame in 0-255, channels_last, eval mode, no autograd. Prints the median ms per thread count.
  rlfn_pytorch_timing.py --repo RLFN_CHECKOUT --checkpoint rlfn_x2.pth --scale 2 --rgb frame.rgb --size 320x180"""
import argparse
import statistics
import sys
import time

import numpy as np
import torch

parser = argparse.ArgumentParser()
parser.add_argument("--repo", required=True, help="checkout of the official RLFN code (has model/rlfn.py)")
parser.add_argument("--checkpoint", required=True)
parser.add_argument("--scale", type=int, required=True)
parser.add_argument("--rgb", required=True, help="raw rgb24 frame")
parser.add_argument("--size", default="320x180")
parser.add_argument("--threads", default="1,2")
parser.add_argument("--runs", type=int, default=9)
args = parser.parse_args()

sys.path.insert(0, args.repo)
from model.rlfn import RLFN  # noqa: E402  (the official model definition)

width, height = map(int, args.size.split("x"))
frame = np.fromfile(args.rgb, dtype=np.uint8)[: width * height * 3].reshape(height, width, 3)
x = torch.from_numpy(frame.astype(np.float32)).permute(2, 0, 1).unsqueeze(0).contiguous(memory_format=torch.channels_last)
model = RLFN(upscale=args.scale)
model.load_state_dict(torch.load(args.checkpoint, map_location="cpu"), strict=True)
model = model.eval().to(memory_format=torch.channels_last)
print(f"PyTorch {torch.__version__} official RLFN x{args.scale} on {width}x{height}, channels_last; median of {args.runs} runs")
with torch.no_grad():
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        for _ in range(2):
            model(x)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
        print(f"pytorch {threads} thread(s): {statistics.median(times) * 1e3:.1f} ms")
