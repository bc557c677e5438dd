"""`train.py --deepen-from`: the deeper RepSR starts out computing exactly what the shallower one did,
in training mode (batch statistics) and in eval mode, and it can then learn (the inserted blocks get
gradients).

Run: /usr/bin/python3 Training/test_deepen.py"""
import os, sys
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repsr import RepSR
from train import deepen


def check(scale, channels, hidden, deeper):
    torch.manual_seed(scale * 10 + hidden)
    shallow = RepSR(scale, channels, hidden)
    for module in shallow.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.2, 2.0)
    for act in shallow.acts:
        act.weight.data.uniform_(0.05, 0.5)
    deep = RepSR(scale, channels, deeper)
    deepen(deep, shallow.state_dict())
    x = torch.rand(4, 1, 19, 23)
    worst = 0.0
    for mode in ('train', 'eval'):
        shallow.train(mode == 'train')
        deep.train(mode == 'train')
        with torch.no_grad():
            worst = max(worst, (shallow(x) - deep(x)).abs().max().item())
    deep.train()
    deep(x).mean().backward()
    inserted = deep.blocks[hidden + 1].paths[0][2].weight.grad
    learns = inserted is not None and inserted.abs().max().item() > 0
    print(f'x{scale} C{channels}: {hidden} -> {deeper} hidden layers, max abs diff {worst:.2e}, '
          f'inserted blocks get gradients: {learns}')
    return worst <= 1e-6 and learns


if __name__ == '__main__':
    ok = all([check(2, 16, 4, 6), check(4, 8, 2, 5)])
    print('deepen test', 'passed' if ok else 'FAILED')
    sys.exit(0 if ok else 1)
