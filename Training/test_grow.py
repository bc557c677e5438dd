"""Growing a trained RepSR (train.py): deeper by identity blocks (`deepen`, `train.py --deepen-from`) or
wider by zero-fed channels (`widen`, a recipe's `widen_from`). The grown network starts out computing
exactly what the trained one did, in training mode (batch statistics) and in eval mode, and its new
parts then learn (get gradients); widening to fewer channels, or across depths, is refused.

Run: /usr/bin/python3 Training/test_grow.py"""
import os, sys
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repsr import RepSR
from testing import as_if_trained, largest_difference
from train import deepen, widen


def check(label, trained, grown, grow, new_gradient, tolerance=1e-6):
    """Grows `grown` from `trained` (given statistics as after training) with `grow`; `new_gradient(grown)`
    is the gradient of weights of the new part, which must not be zero. The outputs (about 0-1) must agree
    within `tolerance`."""
    as_if_trained(trained)
    grow(grown, trained.state_dict())
    x = torch.rand(4, 1, 19, 23)
    worst = largest_difference(trained, grown, x)
    grown(x).square().mean().backward()
    gradient = new_gradient(grown)
    learns = gradient is not None and gradient.abs().max().item() > 0
    print(f'{label}: max abs diff {worst:.2e}, the new part gets gradients: {learns}')
    return worst <= tolerance and learns


def deepened(scale, channels, hidden, deeper):
    torch.manual_seed(scale * 10 + hidden)
    # An inserted block's squeeze conv (the blocks after the trained ones' first `hidden + 1`).
    return check(f'x{scale} C{channels}: {hidden} -> {deeper} hidden layers', RepSR(scale, channels, hidden),
                 RepSR(scale, channels, deeper), deepen, lambda net: net.blocks[hidden + 1].paths[0][2].weight.grad)


def widened(scale, hidden, narrow, wide):
    torch.manual_seed(scale * 10 + narrow)
    # The second block's squeeze conv, whose rows narrow..wide feed the new output channels. The wider
    # convolutions sum the same products (the new ones exact zeros), but PyTorch blocks and orders a
    # wider reduction differently from CPU to CPU: within 1e-6 on the AMD EPYC Zen 4 where this test
    # was written, 2.5e-6 (x2 C16 -> C32) and 2.4e-6 (x4 C8 -> C12) on an AVX2-only AMD EPYC (family
    # 23 model 1). Deepening keeps every layer's width and stays exact (0 on both).
    return check(f'x{scale} M{hidden}: C{narrow} -> C{wide}', RepSR(scale, narrow, hidden), RepSR(scale, wide, hidden), widen,
                 lambda net: net.blocks[1].paths[0][2].weight.grad[narrow:], tolerance=1e-5)


def refuses(label, grown, trained):
    """`widen` stops with a message rather than load `trained` into a network it does not fit."""
    try:
        widen(grown, trained.state_dict())
    except SystemExit as stop:
        print(f'{label}: refused ({stop})')
        return True
    print(f'{label}: NOT refused')
    return False


if __name__ == '__main__':
    ok = all([deepened(2, 16, 4, 6), deepened(4, 8, 2, 5), widened(2, 6, 16, 32), widened(4, 5, 8, 12),
              refuses('C16 into C8', RepSR(2, 8, 2), RepSR(2, 16, 2)), refuses('M4 into M6', RepSR(2, 32, 6), RepSR(2, 16, 4))])
    print('grow test', 'passed' if ok else 'FAILED')
    sys.exit(0 if ok else 1)
