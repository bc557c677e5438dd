"""The MATLAB-compatible bicubic downscale reproduces the benchmark LR files bit for bit (uint8).

Run: /usr/bin/python3 Training/test_matlab_resize.py  (reads ../shared/data; skips visibly if absent)."""
import csv, os, sys
import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matlab_resize import imresize

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'data')


def main():
    if not os.path.isdir(DATA):
        print(f'SKIPPED: {DATA} not found; the MATLAB-bicubic test needs ../shared/data')
        return 0
    checked, failures = 0, []
    for dataset in ('Set5', 'Set14', 'B100'):
        root = os.path.join(DATA, dataset)
        for row in csv.DictReader(open(os.path.join(root, 'manifest.csv'))):
            hr = np.array(Image.open(os.path.join(root, row['hr'])).convert('RGB'))
            for scale in (2, 4):
                lr = np.array(Image.open(os.path.join(root, row[f'lr_x{scale}'])).convert('RGB'))
                # The LR files were made from the HR image cropped to a multiple of the scale.
                height, width = hr.shape[0] // scale * scale, hr.shape[1] // scale * scale
                out = imresize(hr[:height, :width], 1 / scale)
                checked += 1
                if out.shape != lr.shape or not np.array_equal(out, lr):
                    diff = np.abs(out.astype(int) - lr.astype(int)).max() if out.shape == lr.shape else out.shape
                    failures.append(f'{dataset}/{row["hr"]} x{scale}: {diff}')
    print(f'MATLAB bicubic: {checked - len(failures)}/{checked} LR images bit-exact')
    for failure in failures:
        print('  differs:', failure)
    return 1 if failures or checked == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
