"""Computes a teacher's outputs on every training image, once, with vsr's own engine, for distillation.

For each training image (BSD400, the order and cropping of `train.training_pairs`), the MATLAB-bicubic
LR RGB image (uint8, as `matlab_resize.imresize` makes it) goes through the teacher, an RGB model such
as the official RLFN x2 imported by `vsr import`, by `vsr-kernel-bench model --rgb ... --output ...`
(float32 out, no rounding); the output's BT.601 luma / 255, HR-sized like the training targets, is stored
in Training/.cache/teacher_NAME_xS.npz. A recipe with "distill": {"teacher": NAME, "weight": w} then
adds w * L1(student, teacher) to its loss.

    make bench-tools
    .build/release/vsr import ../shared/models/rlfn-official/rlfn_x2.pth --arch rlfn --scale 2 -o /tmp/rlfn_x2.safetensors
    python3 Training/teacher.py --weights /tmp/rlfn_x2.safetensors --name rlfn_x2 --scale 2
"""
import argparse, os, subprocess, sys, tempfile
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors
from train import HERE, luma, rgb_pair, training_files

BENCH = os.path.join(HERE, '..', '.build', 'release', 'vsr-kernel-bench')


def teacher_path(name, scale):
    return os.path.join(HERE, '.cache', f'teacher_{name}_x{scale}.npz')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--weights', required=True, help='the teacher, an RGB model as vsr import writes it')
    parser.add_argument('--name', required=True)
    parser.add_argument('--scale', type=int, required=True)
    args = parser.parse_args()
    if not os.access(BENCH, os.X_OK):
        sys.exit(f'teacher.py: {BENCH} is missing (make bench-tools)')
    files = training_files()
    peak = float(read_safetensors(args.weights)[1].get('input_range', '1'))
    outputs = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, path in enumerate(files):
            _, lr = rgb_pair(path, args.scale)
            height, width = lr.shape[:2]
            lr.tofile(os.path.join(tmp, 'in.rgb'))
            subprocess.run([BENCH, 'model', '--weights', args.weights, '--rgb', os.path.join(tmp, 'in.rgb'),
                            '--size', f'{width}x{height}', '--threads', '1', '--runs', '1',
                            '--output', os.path.join(tmp, 'out.f32')], check=True, stdout=subprocess.DEVNULL)
            out = np.fromfile(os.path.join(tmp, 'out.f32'), np.float32)
            out = out.reshape(3, height * args.scale, width * args.scale).transpose(1, 2, 0)
            outputs.append(luma(np.clip(out * (255 / peak), 0, 255)))
            if index % 50 == 0:
                print(f'{index + 1}/{len(files)} {os.path.basename(path)}', flush=True)
    os.makedirs(os.path.dirname(teacher_path(args.name, args.scale)), exist_ok=True)
    np.savez(teacher_path(args.name, args.scale), teacher=np.array(outputs, dtype=object))
    print(f'wrote {teacher_path(args.name, args.scale)} ({len(outputs)} images)')


if __name__ == '__main__':
    main()
