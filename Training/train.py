"""Trains a Y-channel RepSR on BSD400 (see `training_files`) and exports the folded PlainSR as safetensors.

Recipe (see Training/README.md): L1 loss, Adam, cosine learning-rate decay, BatchNorm on mini-batch
statistics then on population statistics for the last `--population-bn` fraction (RepSR's fix), an
optional warm start from a trained model of another scale (every block but the last) or from a
shallower model of the same scale (`--deepen-from`), and a large-patch fine-tune for the last
`--finetune` fraction. Runs on the CPU; `--device cuda` where one is at hand.

Example: python3 Training/train.py --scale 2 --channels 16 --hidden 4 --iterations 20000 --out Training/runs/x2
"""
import argparse, glob, json, math, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matlab_resize import imresize
from repsr import RepSR
from safetensors_io import write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', '..', 'shared', 'data')


def luma(rgb):
    """BT.601 limited-range Y / 255 (MATLAB rgb2ycbcr), unrounded: the SR literature's convention."""
    rgb = rgb.astype(np.float32)
    return (16 + (65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]) / 255) / 255


# Where each training set's images are under ../shared/data.
TRAINING_SETS = {'BSD400': os.path.join('BSD400', '*', '*.jpg'), 'T91': os.path.join('T91', 'HR', '*.bmp')}
# Until issue 18's data proxy, every model trained on BSD400 alone: the pattern meant to add T91,
# T91/*.png, matched nothing (its images are T91/HR/*.bmp), so the shipped models never saw T91.
DEFAULT_SETS = ('BSD400',)


def training_files(sets=DEFAULT_SETS):
    """The training images of `sets`, in sorted path order (BSD400's before T91's)."""
    files = sorted(path for name in sets for path in glob.glob(os.path.join(DATA, TRAINING_SETS[name])))
    if not files:
        sys.exit(f'train.py: no training images under {DATA} for {", ".join(sets)}')
    return files


def rgb_pair(path, scale):
    """(HR, LR) uint8 RGB: the image cropped to a multiple of `scale`, and its MATLAB-bicubic downscale."""
    rgb = np.array(Image.open(path).convert('RGB'))
    rgb = rgb[:rgb.shape[0] // scale * scale, :rgb.shape[1] // scale * scale]
    return rgb, imresize(rgb, 1 / scale)


def training_pairs(scale, cache_dir, sets=DEFAULT_SETS):
    """(HR Y, LR Y) float32 pairs for the images of `sets`, LR made by MATLAB bicubic on the RGB image."""
    os.makedirs(cache_dir, exist_ok=True)
    suffix = '' if tuple(sets) == DEFAULT_SETS else '_' + '+'.join(sets)
    cache = os.path.join(cache_dir, f'train_x{scale}{suffix}.npz')
    if os.path.exists(cache):
        data = np.load(cache, allow_pickle=True)
        return list(data['hr']), list(data['lr'])
    files = training_files(sets)
    hrs, lrs = [], []
    for path in files:
        hr, lr = rgb_pair(path, scale)
        hrs.append(luma(hr))
        lrs.append(luma(lr))
    np.savez(cache, hr=np.array(hrs, dtype=object), lr=np.array(lrs, dtype=object))
    return hrs, lrs


def validation_set(scale):
    """Set5 as `vsr eval` reads it: the provided LR PNGs and the HR images, both as Y."""
    import csv
    root = os.path.join(DATA, 'Set5')
    pairs = []
    for row in csv.DictReader(open(os.path.join(root, 'manifest.csv'))):
        hr = np.array(Image.open(os.path.join(root, row['hr'])).convert('RGB'))
        lr = np.array(Image.open(os.path.join(root, row[f'lr_x{scale}'])).convert('RGB'))
        hr = hr[:lr.shape[0] * scale, :lr.shape[1] * scale]
        pairs.append((luma(hr), luma(lr)))
    return pairs


def psnr_y(net, pairs, scale, device):
    net.eval()
    values = []
    with torch.no_grad():
        for hr, lr in pairs:
            out = net(torch.from_numpy(lr)[None, None].to(device))[0, 0].cpu().numpy()
            diff = (np.round(np.clip(out * 255, 0, 255)) - hr * 255)[scale:-scale, scale:-scale]
            values.append(10 * math.log10(255 ** 2 / np.mean(diff.astype(np.float64) ** 2)))
    return float(np.mean(values))


def batch(hrs, lrs, scale, size, count, rng, teachers=None):
    """Random LR crops of size x size (and their HR crops), randomly flipped and rotated by 90 degrees.
    The third item is the crops of `teachers` (HR-sized images, one per pair), cut and turned alike, or
    None without them; the random draws are the same either way."""
    lr_batch = np.empty((count, 1, size, size), np.float32)
    hr_batch = np.empty((count, 1, size * scale, size * scale), np.float32)
    teacher_batch = np.empty_like(hr_batch) if teachers is not None else None
    eligible = [k for k, lr in enumerate(lrs) if lr.shape[0] >= size and lr.shape[1] >= size]
    if not eligible:
        sys.exit(f'train.py: no training image has a {size}x{size} low-resolution crop')
    for i in range(count):
        k = eligible[rng.integers(len(eligible))]
        lr, hr = lrs[k], hrs[k]
        y, x = rng.integers(lr.shape[0] - size + 1), rng.integers(lr.shape[1] - size + 1)
        window = (slice(y * scale, (y + size) * scale), slice(x * scale, (x + size) * scale))
        a, b = lr[y:y + size, x:x + size], hr[window]
        t = teachers[k][window] if teachers is not None else b
        if rng.random() < 0.5:
            a, b, t = a[:, ::-1], b[:, ::-1], t[:, ::-1]
        if rng.random() < 0.5:
            a, b, t = a[::-1], b[::-1], t[::-1]
        turns = rng.integers(4)
        lr_batch[i, 0], hr_batch[i, 0] = np.rot90(a, turns), np.rot90(b, turns)
        if teachers is not None:
            teacher_batch[i, 0] = np.rot90(t, turns)
    return (torch.from_numpy(lr_batch), torch.from_numpy(hr_batch),
            torch.from_numpy(teacher_batch) if teachers is not None else None)


def deepen(net, source):
    """Loads a shallower trained RepSR (same scale and width) into `net`: its first blocks and the last
    block keep their weights; each inserted block starts as the identity (its expand-and-squeeze paths'
    1x1 convs zero, so only the clean residual path passes) followed by a PReLU of slope 1, so the deeper
    network starts out computing exactly what the shallower one did (Net2DeeperNet)."""
    old_blocks = 1 + max(int(k.split('.')[1]) for k in source if k.startswith('blocks.'))
    new_blocks = len(net.blocks)
    if old_blocks > new_blocks:
        sys.exit(f'train.py: --deepen-from has {old_blocks} blocks, more than the {new_blocks} of this network')
    inserted = range(old_blocks - 1, new_blocks - 1)
    own = net.state_dict()
    for key, value in source.items():
        parts = key.split('.')
        if parts[0] == 'blocks' and int(parts[1]) == old_blocks - 1:
            parts[1] = str(new_blocks - 1)
        elif parts[0] == 'acts' and int(parts[1]) >= old_blocks - 1:
            sys.exit('train.py: --deepen-from checkpoint has an unexpected activation ' + key)
        target = '.'.join(parts)
        if target not in own or own[target].shape != value.shape:
            sys.exit(f'train.py: --deepen-from tensor {key} does not fit this network (width or scale differ)')
        own[target] = value
    net.load_state_dict(own)
    with torch.no_grad():
        for index in inserted:
            for path in net.blocks[index].paths:
                path[2].weight.zero_()
                path[2].bias.zero_()
            net.acts[index].weight.fill_(1)
    print(f'deepened: {old_blocks} blocks -> {new_blocks}, identity blocks inserted at {list(inserted)}', flush=True)


def widen(net, source):
    """Loads a narrower trained RepSR (same scale and depth) into `net`, whose blocks are wider: every
    tensor's old part keeps its trained values, and each expand-and-squeeze path's squeeze (1x1) conv
    is zero from the new middle channels and into the new output channels, so the new channels output
    zero and the wider network starts out computing exactly what the narrower one did (Net2Net's
    function-preserving growth, here by zero outgoing weights rather than Net2WiderNet's copied
    units). The new channels' 3x3 weights keep their random init (they read the old channels, and the
    zero new ones), so the new output channels get gradients through the next block's random weights
    and learn."""
    own = net.state_dict()
    if set(own) != set(source):
        sys.exit('train.py: widening: the trained network and this one differ in depth, scale or activation')
    for key, value in source.items():
        if own[key].dim() != value.dim() or any(o < v for o, v in zip(own[key].shape, value.shape)):
            sys.exit(f'train.py: widening: tensor {key} does not fit this network (it is narrower, or of another scale)')
        if value.dim() == 0:
            own[key] = value.clone()
            continue
        own[key][tuple(slice(0, n) for n in value.shape)] = value
        parts = key.split('.')
        # blocks.B.paths.P.2.{weight,bias}: a path's squeeze conv, zero into the new output channels
        # and (its weight) from the new middle ones.
        if parts[0] == 'blocks' and parts[2] == 'paths' and parts[4] == '2':
            own[key][value.shape[0]:] = 0
            if value.dim() > 1:
                own[key][:, value.shape[1]:] = 0
    net.load_state_dict(own)
    first = next(k for k in source if k.endswith('paths.0.0.weight') and k.startswith('blocks.1.'))
    print(f'widened: {source[first].shape[1]} -> {own[first].shape[1]} channels', flush=True)


def export(net, args, path, psnr, seconds, iteration):
    metadata = {
        'arch': 'plainsr', 'scale': str(args.scale), 'colors': '1', 'input_range': '1',
        'channels': str(args.channels), 'hidden': str(args.hidden), 'act': 'prelu',
        'name': args.name, 'trained_as': f'RepSR (expand {args.expand}, 2 paths + identity), folded',
        'training_data': 'BSD400, MATLAB bicubic LR, Y (BT.601 limited) / 255',
        'iterations': str(iteration), 'set5_psnr_y_training': f'{psnr:.4f}',
        'training_seconds': str(int(seconds)), 'training_device': args.device,
    }
    tensors = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in net.deploy_state_dict().items()}
    write_safetensors(path, tensors, metadata)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--scale', type=int, required=True)
    parser.add_argument('--channels', type=int, default=16)
    parser.add_argument('--hidden', type=int, default=4)
    parser.add_argument('--expand', type=int, default=2)
    parser.add_argument('--iterations', type=int, default=20000)
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--patch', type=int, default=48, help='LR patch size')
    parser.add_argument('--finetune', type=float, default=0.1, help='final fraction trained on patches twice as large')
    parser.add_argument('--population-bn', type=float, default=0.2, help='final fraction with BN on population statistics')
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--warm-start', help='a checkpoint.pt of another scale: every block but the last is copied')
    parser.add_argument('--deepen-from', help='a checkpoint.pt of a shallower model of the same scale and width: '
                        'loaded, with identity blocks inserted before the last block')
    parser.add_argument('--resume', help='a checkpoint.pt of the same model: all weights are loaded, then a new schedule runs')
    parser.add_argument('--threads', type=int, default=os.cpu_count())
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--name', default=None)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    args.name = args.name or f'repsr-y-x{args.scale}'
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)

    hrs, lrs = training_pairs(args.scale, os.path.join(HERE, '.cache'))
    validation = validation_set(args.scale)
    net = RepSR(args.scale, args.channels, args.hidden, args.expand).to(args.device)
    if args.warm_start:
        source = torch.load(args.warm_start, map_location=args.device)['model']
        own = net.state_dict()
        copied = {k: v for k, v in source.items() if k in own and own[k].shape == v.shape
                  and not k.startswith(f'blocks.{len(net.blocks) - 1}.')}
        own.update(copied)
        net.load_state_dict(own)
        print(f'warm start: {len(copied)} of {len(own)} tensors from {args.warm_start}', flush=True)
    if args.deepen_from:
        deepen(net, torch.load(args.deepen_from, map_location=args.device)['model'])
    if args.resume:
        state = torch.load(args.resume, map_location=args.device)
        net.load_state_dict(state['model'])
        print(f"resumed from {args.resume} (iteration {state['iteration']} of its run)", flush=True)
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda i: 0.5 * (1 + math.cos(math.pi * min(i, args.iterations) / args.iterations)) * 0.99 + 0.01)
    finetune_from = int(args.iterations * (1 - args.finetune))
    # Twice the patch, but no larger than half the images allow (x4 LR images of BSD400 are 120x80).
    large_patch = min(args.patch * 2, int(np.median([min(lr.shape) for lr in lrs])))
    population_from = int(args.iterations * (1 - args.population_bn))
    log = open(os.path.join(args.out, 'log.jsonl'), 'a')
    start, best = time.time(), -1.0
    for iteration in range(1, args.iterations + 1):
        net.train()
        if iteration > population_from:
            net.set_population_bn()
        patch = large_patch if iteration > finetune_from else args.patch
        count = max(1, args.batch // 4) if iteration > finetune_from else args.batch
        lr, hr, _ = batch(hrs, lrs, args.scale, patch, count, rng)
        loss = F.l1_loss(net(lr.to(args.device)), hr.to(args.device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if iteration % 500 == 0 or iteration == args.iterations:
            psnr = psnr_y(net, validation, args.scale, args.device)
            elapsed = time.time() - start
            entry = {'iteration': iteration, 'loss': loss.item(), 'set5_psnr_y': psnr, 'seconds': elapsed,
                     'lr': schedule.get_last_lr()[0]}
            print(json.dumps(entry), flush=True)
            log.write(json.dumps(entry) + '\n')
            log.flush()
            torch.save({'model': net.state_dict(), 'iteration': iteration, 'args': vars(args)},
                       os.path.join(args.out, 'checkpoint.pt'))
            export(net, args, os.path.join(args.out, f'{args.name}.safetensors'), psnr, elapsed, iteration)
    print(f'done: {args.iterations} iterations in {time.time() - start:.0f} s', flush=True)


if __name__ == '__main__':
    main()
