#!/usr/bin/env python3
"""Writes the small valid files that seed the fuzz corpora in Fuzz/Seeds (run once; the output is
committed). Needs Debian's python3-torch. y4m seeds are made with ffmpeg (see the Makefile's fuzz-seeds)."""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'Training'))
from repsr import PlainSR  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

torch.manual_seed(0)
seeds = os.path.join(HERE, 'Seeds')
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
