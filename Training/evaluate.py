"""Y-PSNR of shipped models (deploy form, in PyTorch) and of MATLAB bicubic on Set5, Set14 and B100,
with the SR literature's convention (BT.601 Y, `scale` border pixels cropped, output rounded to 8 bits).

This is an implementation independent of vsr's Swift engine: the Swift test
`ShippedModelTests` checks that `vsr eval` reproduces the Set5 figure recorded here.
Run: /usr/bin/python3 Training/evaluate.py Training/models/repsr-y-x2.safetensors [...]
Writes the named models' rows (and bicubic's at their scales) into Training/models/quality.json; the other
models' rows stay."""
import csv, json, math, os, sys
import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matlab_resize import imresize
from repsr import PlainSR
import safetensors_io
from train import DATA, luma

HERE = os.path.dirname(os.path.abspath(__file__))


def read_safetensors(path):
    tensors, metadata = safetensors_io.read_safetensors(path)
    return {name: torch.from_numpy(array) for name, array in tensors.items()}, metadata


def psnr(out_y, hr_y, scale):
    diff = (out_y - hr_y)[scale:-scale, scale:-scale].astype(np.float64)
    return 10 * math.log10(255 ** 2 / np.mean(diff ** 2))


def dataset_pairs(name, scale):
    root = os.path.join(DATA, name)
    for row in csv.DictReader(open(os.path.join(root, 'manifest.csv'))):
        hr = np.array(Image.open(os.path.join(root, row['hr'])).convert('RGB'))
        lr = np.array(Image.open(os.path.join(root, row[f'lr_x{scale}'])).convert('RGB'))
        yield hr[:lr.shape[0] * scale, :lr.shape[1] * scale], lr


def evaluate_model(path):
    tensors, metadata = read_safetensors(path)
    scale = int(metadata['scale'])
    net = PlainSR(scale, int(metadata['channels']), int(metadata['hidden']))
    net.load_state_dict(tensors)
    net.eval()
    results = {}
    with torch.no_grad():
        for dataset in ('Set5', 'Set14', 'B100'):
            values = []
            for hr, lr in dataset_pairs(dataset, scale):
                out = net(torch.from_numpy(luma(lr))[None, None])[0, 0].numpy()
                values.append(psnr(np.round(np.clip(out * 255, 0, 255)), luma(hr) * 255, scale))
            results[dataset] = float(np.mean(values))
    return scale, results


def evaluate_bicubic(scale):
    results = {}
    for dataset in ('Set5', 'Set14', 'B100'):
        values = [psnr(np.round(luma(imresize(lr, scale)) * 255), luma(hr) * 255, scale) for hr, lr in dataset_pairs(dataset, scale)]
        results[dataset] = float(np.mean(values))
    return results


def main():
    out = os.path.join(HERE, 'models', 'quality.json')
    # The rows of the models named here are replaced; the other models' rows stay as they were.
    report = json.load(open(out)) if os.path.exists(out) else {'models': {}, 'bicubic': {}}
    report['convention'] = 'Y-PSNR (BT.601 limited-range Y), scale border pixels cropped, outputs rounded to 8 bits'
    bicubic_done = set()
    for path in sys.argv[1:]:
        name = os.path.splitext(os.path.basename(path))[0]
        scale, results = evaluate_model(path)
        report['models'][name] = {'scale': scale, 'psnr_y': results}
        if f'x{scale}' not in bicubic_done:  # once per scale and run
            report['bicubic'][f'x{scale}'] = evaluate_bicubic(scale)
            bicubic_done.add(f'x{scale}')
        print(name, json.dumps(results), 'bicubic', json.dumps(report['bicubic'][f'x{scale}']), flush=True)
    json.dump(report, open(out, 'w'), indent=2, sort_keys=True)
    print('wrote', out)


if __name__ == '__main__':
    main()
