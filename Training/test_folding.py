"""The folded PlainSR equals the training-form RepSR in eval mode (max abs diff <= 1e-5).

Run: /usr/bin/python3 Training/test_folding.py"""
import os, sys
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repsr import RepSR, PlainSR
from testing import as_if_trained


def check(scale, channels, hidden, size, act='prelu'):
    torch.manual_seed(scale * 100 + channels + hidden)
    net = as_if_trained(RepSR(scale, channels, hidden, act=act))
    net.eval()
    plain = PlainSR(scale, channels, hidden, act)
    plain.load_state_dict(net.deploy_state_dict())
    x = torch.rand(2, 1, *size)
    with torch.no_grad():
        diff = (net(x) - plain(x)).abs().max().item()
    print(f'x{scale} C{channels} hidden {hidden} {act} {size}: max abs diff {diff:.2e}')
    return diff <= 1e-5


if __name__ == '__main__':
    ok = all([check(2, 16, 4, (23, 37)), check(4, 16, 4, (17, 29)), check(2, 8, 0, (9, 11)), check(3, 12, 2, (16, 16)),
                check(2, 8, 4, (13, 19), 'relu')])
    print('folding test', 'passed' if ok else 'FAILED')
    sys.exit(0 if ok else 1)
