#!/usr/bin/env python3
"""Writes the small valid files that seed the fuzz corpora in Fuzz/Seeds (run once; the output is
committed). Needs Debian's python3-torch and the ffmpeg CLI (for the y4m seeds)."""
import os
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'Training'))
from repsr import PlainSR  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

torch.manual_seed(0)
seeds = os.path.join(HERE, 'Seeds')
# y4m: two frames each, 8 and 10 bits, 4:2:0 to mono, odd sizes (named FORMAT-WxH.y4m).
for pix_fmt, width, height in [('yuv420p', 16, 16), ('yuv422p', 6, 4), ('gray', 5, 3), ('yuv444p10le', 9, 7)]:
    subprocess.run(['ffmpeg', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=16x16:rate=5', '-vf',
                    f'scale={width}:{height}', '-frames:v', '2', '-pix_fmt', pix_fmt, '-strict', '-1',
                    '-f', 'yuv4mpegpipe', '-y', os.path.join(seeds, 'y4m', f'{pix_fmt}-{width}x{height}.y4m')], check=True)
for scale, channels, hidden in [(2, 4, 0), (3, 2, 1)]:
    net = PlainSR(scale, channels, hidden)
    state = {k: v.detach() for k, v in net.state_dict().items()}
    metadata = {'arch': 'plainsr', 'scale': scale, 'colors': 1, 'input_range': 1, 'channels': channels,
                'hidden': hidden, 'act': 'prelu', 'name': f'seed-x{scale}'}
    write_safetensors(os.path.join(seeds, 'safetensors', f'plainsr-x{scale}.safetensors'),
                      {k: v.numpy().astype(np.float32) for k, v in state.items()}, metadata)
    torch.save(state, os.path.join(seeds, 'pth', f'plainsr-x{scale}.pth'))
# A wrapped state_dict with a transposed (strided) view and a DataParallel prefix.
weight = torch.arange(12, dtype=torch.float32).reshape(3, 4)
torch.save({'params': {'module.a.weight': weight.t(), 'module.a.bias': torch.zeros(4)}},
           os.path.join(seeds, 'pth', 'wrapped-strided.pth'))
