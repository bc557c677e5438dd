"""RepSR (Wang, Dong and Shan, 2022) for the Y channel: training-time blocks and their folding.

Training form: every layer is a `RepBlock`: two expand-and-squeeze paths (conv3x3 C_in->E, BatchNorm,
conv1x1 E->C_out) plus, where C_in == C_out, a clean residual path (identity, no BN). The squeeze conv
comes after the 3x3, so folding is exact: a 1x1 conv composed with a zero-padded 3x3 conv is a
zero-padded 3x3 conv. Deploy form: `PlainSR` (conv3x3 + PReLU stack, conv3x3 to s^2 channels, plus the
input repeated s^2 times, then PixelShuffle), which vsr runs (Sources/VSRInference/Models/PlainSR.swift).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class RepBlock(nn.Module):
    """conv3x3-sized block: identity (when shapes allow) + 2 x [conv3x3 -> BN -> conv1x1]."""

    def __init__(self, c_in, c_out, expand=2, paths=2):
        super().__init__()
        mid = c_out * expand
        self.identity = c_in == c_out
        self.paths = nn.ModuleList(
            nn.Sequential(nn.Conv2d(c_in, mid, 3, padding=1), nn.BatchNorm2d(mid), nn.Conv2d(mid, c_out, 1))
            for _ in range(paths))

    def forward(self, x):
        out = sum(path(x) for path in self.paths)
        return out + x if self.identity else out

    @torch.no_grad()
    def folded(self):
        """(weight [c_out, c_in, 3, 3], bias [c_out]) of the single conv3x3 equal to this block in eval mode."""
        weight, bias = 0, 0
        for conv3, bn, conv1 in self.paths:
            std = torch.sqrt(bn.running_var + bn.eps)
            k3 = conv3.weight * (bn.weight / std).view(-1, 1, 1, 1)           # BN folded into the 3x3
            b3 = (conv3.bias - bn.running_mean) * bn.weight / std + bn.bias
            w1 = conv1.weight[:, :, 0, 0]                                     # c_out x mid
            weight = weight + torch.einsum('om,mikl->oikl', w1, k3)
            bias = bias + w1 @ b3 + conv1.bias
        if self.identity:
            eye = torch.zeros_like(weight)
            for c in range(weight.shape[0]):
                eye[c, c, 1, 1] = 1
            weight = weight + eye
        return weight, bias


class RepSR(nn.Module):
    """Y-channel RepSR: RepBlock(1->C)+act, `hidden` x [RepBlock(C->C)+act], RepBlock(C->s^2), skip, shuffle.
    `act` is 'prelu' (per channel, the default) or 'relu' (what vsr's PlainSR also runs)."""

    def __init__(self, scale, channels=16, hidden=4, expand=2, act='prelu'):
        super().__init__()
        self.scale, self.channels, self.hidden, self.act = scale, channels, hidden, act
        widths = [1] + [channels] * (hidden + 1) + [scale * scale]
        self.blocks = nn.ModuleList(RepBlock(widths[i], widths[i + 1], expand) for i in range(len(widths) - 1))
        if act not in ('prelu', 'relu'):
            raise ValueError(f"act must be 'prelu' or 'relu', got {act!r}")
        make = (lambda: nn.PReLU(channels)) if act == 'prelu' else nn.ReLU
        self.acts = nn.ModuleList(make() for _ in range(len(widths) - 2))

    def forward(self, x):
        y = x
        for i, block in enumerate(self.blocks):
            y = block(y)
            if i < len(self.acts):
                y = self.acts[i](y)
        return F.pixel_shuffle(y + x.repeat(1, self.scale * self.scale, 1, 1), self.scale)

    def set_population_bn(self):
        """RepSR's BN fix: from here on BatchNorm normalizes with its running (population) statistics."""
        for module in self.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.eval()

    def deploy_state_dict(self):
        """The PlainSR weights (`body.N.*`, as an nn.Sequential of conv and PReLU stores them)."""
        state = {}
        for i, block in enumerate(self.blocks):
            weight, bias = block.folded()
            state[f'body.{2 * i}.weight'], state[f'body.{2 * i}.bias'] = weight.contiguous(), bias.contiguous()
            if i < len(self.acts) and self.act == 'prelu':
                state[f'body.{2 * i + 1}.weight'] = self.acts[i].weight.detach().clone()
        return state


class PlainSR(nn.Module):
    """The deploy form in PyTorch, to check the folding: same graph vsr's PlainSR runs."""

    def __init__(self, scale, channels, hidden, act='prelu'):
        super().__init__()
        self.scale = scale
        widths = [1] + [channels] * (hidden + 1) + [scale * scale]
        layers = []
        for i in range(len(widths) - 1):
            layers.append(nn.Conv2d(widths[i], widths[i + 1], 3, padding=1))
            if i < len(widths) - 2:
                layers.append(nn.PReLU(channels) if act == 'prelu' else nn.ReLU())
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return F.pixel_shuffle(self.body(x) + x.repeat(1, self.scale * self.scale, 1, 1), self.scale)
