"""`widen` (train.py): the wider RepSR starts out computing exactly what the narrower one did, in
training mode (batch statistics) and in eval mode, and its new channels then learn (the squeeze
convs into them get gradients).

Run: /usr/bin/python3 Training/test_widen.py"""
import os, sys
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repsr import RepSR
from train import widen


def check(scale, hidden, narrow, wide):
    torch.manual_seed(scale * 10 + narrow)
    small = RepSR(scale, narrow, hidden)
    for module in small.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.2, 2.0)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    for act in small.acts:
        act.weight.data.uniform_(0.05, 0.5)
    big = RepSR(scale, wide, hidden)
    widen(big, small.state_dict())
    x = torch.rand(4, 1, 19, 23)
    worst = 0.0
    for mode in ('train', 'eval'):
        small.train(mode == 'train')
        big.train(mode == 'train')
        with torch.no_grad():
            worst = max(worst, (small(x) - big(x)).abs().max().item())
    big.train()
    big(x).square().mean().backward()
    # The second block's squeeze conv into the new output channels (rows narrow..wide).
    grad = big.blocks[1].paths[0][2].weight.grad[narrow:]
    learns = grad.abs().max().item() > 0
    print(f'x{scale} M{hidden}: C{narrow} -> C{wide}, max abs diff {worst:.2e}, new channels get gradients: {learns}')
    return worst <= 1e-5 and learns


def refuses_narrower():
    try:
        widen(RepSR(2, 8, 2), RepSR(2, 16, 2).state_dict())
    except SystemExit:
        return True
    return False


if __name__ == '__main__':
    ok = all([check(2, 6, 16, 32), check(4, 5, 8, 12), refuses_narrower()])
    print('widen test', 'passed' if ok else 'FAILED')
    sys.exit(0 if ok else 1)
