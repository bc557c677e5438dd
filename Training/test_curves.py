"""curves.py on synthetic logs: the rise over the last CPU hour is the least-squares slope of those
entries only, the table lists every recipe with a log (and no proxy), and the plot is a PNG.

Run: /usr/bin/python3 Training/test_curves.py"""
import json, os, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import curves


def write_log(folder, entries):
    os.makedirs(folder)
    with open(os.path.join(folder, 'log.jsonl'), 'w') as handle:
        for entry in entries:
            handle.write(json.dumps(entry) + '\n')


def entry(iteration, hours, psnr, lr=0.0005):
    return {'iteration': iteration, 'loss': 0.02, 'heldout_psnr_y': psnr, 'cpu_hours': hours, 'lr': lr, 'time': 0}


def main():
    with tempfile.TemporaryDirectory() as root:
        curves.RECIPES_JSON = os.path.join(root, 'recipes.json')
        curves.CHECKPOINTS = os.path.join(root, 'checkpoints')
        curves.OUT_DIR = os.path.join(root, 'curves')
        base = {'channels': 16, 'hidden': 4, 'lr': 0.001, 'iterations': 100}
        json.dump({'a-x2': dict(base, scale=2), 'b-x4': dict(base, scale=4, act='relu'),
                   'c-unstarted': dict(base, scale=2), 'proxy-x2-l1': dict(base, scale=2)},
                  open(curves.RECIPES_JSON, 'w'))
        # a-x2: a steep start, then +0.2 dB per CPU hour over its last hour (hours 2.0-3.0).
        write_log(os.path.join(curves.CHECKPOINTS, 'a-x2'),
                  [entry(10, 0.5, 28.0), entry(20, 1.5, 30.0)]
                  + [entry(30 + 10 * k, 2.0 + 0.25 * k, 31.0 + 0.05 * k) for k in range(5)])
        # b-x4: two entries, falling.
        write_log(os.path.join(curves.CHECKPOINTS, 'b-x4'), [entry(10, 0.1, 26.5), entry(20, 0.3, 26.4, lr=0.001)])
        write_log(os.path.join(curves.CHECKPOINTS, 'proxy-x2-l1'), [entry(10, 0.1, 30.0)])
        rows = curves.report()
        assert [r['name'] for r in rows] == ['a-x2', 'b-x4'], rows
        a, b = rows
        assert abs(a['rise_per_hour'] - 0.2) < 1e-9, a['rise_per_hour']
        assert abs(a['window_hours'] - 1.0) < 1e-9 and a['iterations'] == 70 and a['best'] == 31.2, a
        assert abs(b['rise_per_hour'] - (-0.5)) < 1e-9 and b['network'] == 'M4C16 relu', b
        table = open(os.path.join(curves.OUT_DIR, 'curves.md')).read()
        assert '| a-x2 | M4C16 x2 | 70 of 100 | 3.00 | 31.200 | 31.200 (70) | +0.200 (1.00 h) | 50% |' in table, table
        assert 'proxy-x2-l1' not in table and 'c-unstarted' not in table, table
        with open(os.path.join(curves.OUT_DIR, 'curves.png'), 'rb') as png:
            assert png.read(8) == b'\x89PNG\r\n\x1a\n', 'curves.png is not a PNG'
    print('curves: slopes over the last CPU hour, the table and the plot from synthetic logs')


if __name__ == '__main__':
    main()
