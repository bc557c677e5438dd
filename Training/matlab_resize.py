"""MATLAB-compatible `imresize(img, 1/s, 'bicubic')`: the antialiased cubic kernel (a = -0.5).

The LR images of the SR benchmarks were made with MATLAB, so training pairs must be made the same
way or a model learns a slightly different degradation than the one it is evaluated on. MATLAB resizes
one dimension at a time (rows first when both scales are equal) and, for uint8 input, returns uint8
after each pass (imresizemex rounds half away from zero and saturates); `round_between_passes`
reproduces that. The bit-exact claim is checked by Training/test_matlab_resize.py on the shipped LR files.
"""
import numpy as np


def _cubic(x):
    ax = np.abs(x)
    ax2, ax3 = ax * ax, ax * ax * ax
    return ((1.5 * ax3 - 2.5 * ax2 + 1.0) * (ax <= 1)
            + (-0.5 * ax3 + 2.5 * ax2 - 4.0 * ax + 2.0) * ((ax > 1) & (ax <= 2)))


def _contributions(in_length, out_length, scale):
    """Weights (out_length x P) and 0-based source indices, after MATLAB's `contributions`."""
    kernel_width = 4.0
    antialias = scale < 1
    if antialias:
        kernel_width /= scale
    x = np.arange(1, out_length + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - kernel_width / 2)
    taps = int(np.ceil(kernel_width)) + 2
    ind = left[:, None] + np.arange(taps)[None, :]            # 1-based like MATLAB
    dist = u[:, None] - ind
    weights = scale * _cubic(dist * scale) if antialias else _cubic(dist)
    weights /= weights.sum(axis=1, keepdims=True)
    # Taps outside the image repeat the edge pixel. MATLAB's documented `contributions` mirrors them
    # instead, but the benchmark LR files match edge replication bit for bit and mirroring does not
    # (up to 10 code values apart on border pixels), so replication is what the data was made with.
    ind = np.clip(ind.astype(np.int64) - 1, 0, in_length - 1)
    keep = np.any(weights != 0, axis=0)
    return weights[:, keep], ind[:, keep]


def _round_uint8(x):
    # MATLAB converts double to uint8 by rounding half away from zero and saturating.
    return np.clip(np.floor(x + 0.5), 0, 255)


def imresize(img, scale, round_between_passes=True):
    """Resizes an HxW or HxWxC array by `scale` (e.g. 0.5) like MATLAB's imresize with 'bicubic'.

    uint8 input gives uint8 output; float input stays float (no rounding)."""
    is_uint8 = img.dtype == np.uint8
    out = img.astype(np.float64)
    squeeze = out.ndim == 2
    if squeeze:
        out = out[:, :, None]
    for axis in (0, 1):
        in_length = out.shape[axis]
        out_length = int(np.ceil(in_length * scale))
        weights, ind = _contributions(in_length, out_length, scale)
        moved = np.moveaxis(out, axis, 0)                       # in_length x rest...
        gathered = moved[ind]                                   # out_length x P x rest...
        out = np.moveaxis(np.einsum('op,op...->o...', weights, gathered), 0, axis)
        if is_uint8 and round_between_passes:
            out = _round_uint8(out)
    if is_uint8:
        out = _round_uint8(out).astype(np.uint8)
    return out[:, :, 0] if squeeze else out
