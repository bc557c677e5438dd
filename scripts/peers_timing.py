#!/usr/bin/env python3
"""The peers' side of scripts/compare-peers.sh: builds the PyTorch graph of a vsr model file
(PlainSR or RLFN, from the same safetensors vsr loads), checks its output against vsr's on the same
frame (within 1e-3 of the model's white), exports it to ONNX, and times PyTorch (channels_last,
no autograd) and ONNX Runtime (all graph optimizations, sequential execution) at each thread count.
Prints one line per peer and thread count: "<peer> <threads> thread(s): <median> ms".
  peers_timing.py --weights M.safetensors --rgb frame.rgb --size WxH --vsr-output out.f32 --threads 1,2 --runs 9"""
import argparse
import warnings
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Training"))
import safetensors_io  # noqa: E402  (the project's one safetensors reader)


def read_safetensors(path):
    tensors, metadata = safetensors_io.read_safetensors(path)
    return {name: torch.from_numpy(array) for name, array in tensors.items()}, metadata


class PlainSR(nn.Module):
    """vsr's PlainSR: 3x3 convs with PReLU/ReLU, the input added to every output channel of its
    colour, pixel shuffle."""

    def __init__(self, meta):
        super().__init__()
        self.scale, colors = int(meta["scale"]), int(meta["colors"])
        channels, hidden = int(meta["channels"]), int(meta["hidden"])
        act = meta.get("act", "prelu")
        widths = [colors] + [channels] * (hidden + 1) + [colors * self.scale ** 2]
        layers = []
        for i in range(len(widths) - 1):
            layers.append(nn.Conv2d(widths[i], widths[i + 1], 3, padding=1))
            if i < len(widths) - 2:
                shared = meta.get("prelu") == "shared"
                layers.append({"relu": nn.ReLU(), "silu": nn.SiLU()}.get(act) or nn.PReLU(1 if shared else channels))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return F.pixel_shuffle(self.body(x) + x.repeat_interleave(self.scale ** 2, dim=1), self.scale)


class ESA(nn.Module):
    """RLFN's enhanced spatial attention, as the official code writes it."""

    def __init__(self, esa_channels, features):
        super().__init__()
        f = esa_channels
        self.conv1 = nn.Conv2d(features, f, 1)
        self.conv_f = nn.Conv2d(f, f, 1)
        self.conv2 = nn.Conv2d(f, f, 3, stride=2, padding=0)
        self.conv3 = nn.Conv2d(f, f, 3, padding=1)
        self.conv4 = nn.Conv2d(f, features, 1)

    def forward(self, x):
        c1_ = self.conv1(x)
        c1 = self.conv2(c1_)
        v_max = F.max_pool2d(c1, kernel_size=7, stride=3)
        c3 = F.interpolate(self.conv3(v_max), (x.size(2), x.size(3)), mode="bilinear", align_corners=False)
        return x * torch.sigmoid(self.conv4(c3 + self.conv_f(c1_)))


class RLFB(nn.Module):
    def __init__(self, features, mid, esa_channels):
        super().__init__()
        self.c1_r = nn.Conv2d(features, mid, 3, padding=1)
        self.c2_r = nn.Conv2d(mid, mid, 3, padding=1)
        self.c3_r = nn.Conv2d(mid, features, 3, padding=1)
        self.c5 = nn.Conv2d(features, features, 1)
        self.esa = ESA(esa_channels, features)
        self.act = nn.LeakyReLU(0.05)

    def forward(self, x):
        out = self.act(self.c3_r(self.act(self.c2_r(self.act(self.c1_r(x)))))) + x
        return self.esa(self.c5(out))


class RLFN(nn.Module):
    def __init__(self, meta):
        super().__init__()
        features, mid = int(meta["channels"]), int(meta["mid_channels"])
        colors, scale = int(meta["colors"]), int(meta["scale"])
        self.conv_1 = nn.Conv2d(colors, features, 3, padding=1)
        for i in range(1, int(meta["blocks"]) + 1):
            setattr(self, f"block_{i}", RLFB(features, mid, int(meta["esa_channels"])))
        self.blocks = int(meta["blocks"])
        self.conv_2 = nn.Conv2d(features, features, 3, padding=1)
        self.upsampler = nn.Sequential(nn.Conv2d(features, colors * scale * scale, 3, padding=1), nn.PixelShuffle(scale))

    def forward(self, x):
        features = self.conv_1(x)
        out = features
        for i in range(1, self.blocks + 1):
            out = getattr(self, f"block_{i}")(out)
        return self.upsampler(self.conv_2(out) + features)


def median_ms(run, runs):
    for _ in range(2):
        run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main():
    warnings.filterwarnings("ignore", category=UserWarning)  # torch.onnx shape-inference notes
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", required=True)
    parser.add_argument("--rgb", required=True, help="raw rgb24 frame of --size")
    parser.add_argument("--size", required=True)
    parser.add_argument("--vsr-output", required=True, help="vsr's output on the frame (float32 CHW)")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    tensors, meta = read_safetensors(args.weights)
    model = {"plainsr": PlainSR, "rlfn": RLFN}[meta["arch"]](meta)
    model.load_state_dict(tensors, strict=True)
    model.eval()
    width, height = map(int, args.size.split("x"))
    colors, white = int(meta["colors"]), float(meta["input_range"])
    frame = np.fromfile(args.rgb, dtype=np.uint8)[: width * height * 3].reshape(height, width, 3)
    # The same input vsr-kernel-bench builds: the frame's first `colors` channels, scaled to the range.
    x = torch.from_numpy(frame[:, :, :colors].astype(np.float32) * (white / 255)).permute(2, 0, 1).unsqueeze(0).contiguous()

    with torch.no_grad():
        reference = model(x)
    ours = np.fromfile(args.vsr_output, dtype="<f4").reshape(reference.shape[1:])
    difference = float(np.abs(ours - reference[0].numpy()).max()) / white
    print(f"parity: max |vsr - PyTorch| = {difference:.2e} of white ({meta['arch']}, {args.size})")
    if difference > 1e-3:
        print("parity FAILED: vsr and the PyTorch graph disagree; not timing", file=sys.stderr)
        sys.exit(1)

    import onnxruntime as ort
    onnx_path = os.path.join(tempfile.mkdtemp(), "model.onnx")
    with torch.no_grad():
        torch.onnx.export(model, x, onnx_path, opset_version=13, input_names=["x"], output_names=["y"])
    thread_counts = [int(t) for t in args.threads.split(",")]
    for threads in thread_counts:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
        feed = {"x": x.numpy()}
        ort_out = session.run(None, feed)[0]
        ort_difference = float(np.abs(ort_out[0] - ours).max()) / white
        if ort_difference > 1e-3:
            print(f"parity FAILED: ONNX Runtime differs from vsr by {ort_difference:.2e}", file=sys.stderr)
            sys.exit(1)
        print(f"onnxruntime {threads} thread(s): {median_ms(lambda: session.run(None, feed), args.runs):.1f} ms")

    xl = x.contiguous(memory_format=torch.channels_last)
    model_cl = model.to(memory_format=torch.channels_last)
    with torch.no_grad():
        for threads in thread_counts:
            torch.set_num_threads(threads)
            print(f"pytorch {threads} thread(s): {median_ms(lambda: model_cl(xl), args.runs):.1f} ms")
    print(f"versions: PyTorch {torch.__version__}, ONNX Runtime {ort.__version__}")


if __name__ == "__main__":
    main()
