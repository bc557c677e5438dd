"""Helpers shared by the training code's tests (test_folding.py, test_grow.py)."""
import torch


def as_if_trained(net):
    """Gives `net`'s BatchNorms non-trivial statistics and affine parameters, and its PReLUs slopes
    other than the default, as after training, so that a test of folding or growing sees them."""
    for module in net.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.2, 2.0)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
        elif isinstance(module, torch.nn.PReLU):
            module.weight.data.uniform_(0.05, 0.5)
    return net


def largest_difference(a, b, x):
    """The largest absolute difference between `a(x)` and `b(x)`, in training mode (BatchNorm on batch
    statistics) and in eval mode (on running statistics); both are left in training mode."""
    worst = 0.0
    for training in (True, False):
        a.train(training)
        b.train(training)
        with torch.no_grad():
            worst = max(worst, (a(x) - b(x)).abs().max().item())
    a.train()
    b.train()
    return worst
