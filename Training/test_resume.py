"""A recipe run in three calls of one chunk each ends with exactly the weights of one uninterrupted run."""
import os, sys, tempfile
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recipe as recipe_module


def synthetic_pairs(scale, _cache_dir, _sets=None):
    rng = np.random.default_rng(5)
    lrs = [rng.random((24 + k, 30), dtype=np.float32) for k in range(40)]
    hrs = [rng.random((l.shape[0] * scale, l.shape[1] * scale), dtype=np.float32) for l in lrs]
    return hrs, lrs


def main():
    recipe_module.training_pairs = synthetic_pairs
    recipe = {'name': 'test', 'model_name': 'test-x2', 'scale': 2, 'channels': 4, 'hidden': 1, 'expand': 2,
              'iterations': 9, 'chunk': 3, 'batch': 2, 'patch': 8, 'lr': 1e-3, 'loss': 'l1',
              'population_bn': 0.3, 'finetune': 0.3, 'seed': 3, 'validation_images': 1}
    # The proxies' options: weight averaging and distillation (synthetic teacher images).
    proxy = dict(recipe, name='test-proxy', ema=0.9, distill={'teacher': 'synthetic', 'weight': 0.5})
    hrs, _ = synthetic_pairs(2, None)
    recipe_module.load_teachers = lambda r, h: [hr[::-1].copy() for hr in hrs] if 'distill' in r else None
    for case in (recipe, proxy):
        check(case)
    with tempfile.TemporaryDirectory() as root:
        plain = recipe_module.run(recipe, os.path.join(root, 'plain'), hours=1)
        taught = recipe_module.run(dict(recipe, distill=proxy['distill']), os.path.join(root, 'taught'), hours=1)
        if all(torch.equal(plain[key], taught[key]) for key in plain):
            sys.exit('test_resume: distillation did not change the trained weights')
    restart(recipe)
    branch(recipe)
    print('resume: three one-chunk calls equal one uninterrupted run (all tensors bit-exact), '
          'with and without weight averaging and distillation; a restart starts from the finished run; '
          'a decay branch starts from the kept state of an unfinished run, on its own rate')


def restart(recipe):
    """`restart_from`: a run starts from a finished recipe's final weights (checked with a zero learning
    rate, so that its first chunk leaves them as loaded), and refuses an unfinished one."""
    with tempfile.TemporaryDirectory() as root:
        here = recipe_module.HERE
        recipe_module.HERE = root
        try:
            first = os.path.join(root, 'checkpoints', 'test')
            recipe_module.run(recipe, first, hours=1, max_chunks=1)
            again = dict(recipe, name='test-again', restart_from='test', lr=0.0)
            try:
                recipe_module.run(again, os.path.join(root, 'again'), hours=1, max_chunks=1)
                sys.exit('test_resume: a restart started from an unfinished run')
            except SystemExit as error:
                assert 'finish it' in str(error), error
            finished = recipe_module.run(recipe, first, hours=1)
            restarted = recipe_module.run(again, os.path.join(root, 'again'), hours=1, max_chunks=1)
        finally:
            recipe_module.HERE = here
        parameters = [key for key in finished if 'running' not in key and 'num_batches' not in key]
        for key in parameters:
            if not torch.equal(finished[key], restarted[key]):
                sys.exit(f'test_resume: the restart did not start from the finished weights ({key})')


def branch(recipe):
    """`decay_from`: the trunk keeps its state at the iteration a branch starts from; the branch starts
    from those weights (a zero rate leaves them as loaded through its first chunk), on its own rate
    schedule, and refuses to start before the trunk has reached that iteration."""
    with tempfile.TemporaryDirectory() as root:
        here = recipe_module.HERE
        recipe_module.HERE = root
        try:
            trunk = os.path.join(root, 'checkpoints', 'test')
            still = dict(recipe, name='test-branch', decay_from={'recipe': 'test', 'iteration': 3}, lr=0.0)
            try:
                recipe_module.run(still, os.path.join(root, 'still'), hours=1, max_chunks=1)
                sys.exit('test_resume: a branch started before its trunk reached the branch point')
            except SystemExit as error:
                assert 'state-3.pt is missing' in str(error), error
            at_three = recipe_module.run(recipe, trunk, hours=1, max_chunks=1, keep={3})
            recipe_module.run(recipe, trunk, hours=1, max_chunks=1, keep={3})
            if sorted(os.listdir(trunk)) != ['log.jsonl', 'state-3.pt', 'state.pt', 'test-x2.safetensors']:
                sys.exit(f'test_resume: the trunk kept {sorted(os.listdir(trunk))}')
            branched = recipe_module.run(still, os.path.join(root, 'still'), hours=1, max_chunks=1)
            moving = dict(still, name='test-branch-moving', lr=5e-4)
            recipe_module.run(moving, os.path.join(root, 'moving'), hours=1, max_chunks=1)
            rates = torch.load(os.path.join(root, 'moving', 'state.pt'))['schedule']['base_lrs']
        finally:
            recipe_module.HERE = here
        for key in (key for key in at_three if 'running' not in key and 'num_batches' not in key):
            if not torch.equal(at_three[key], branched[key]):
                sys.exit(f'test_resume: the branch did not start from the trunk at iteration 3 ({key})')
        if rates != [5e-4]:
            sys.exit(f'test_resume: the branch decays from {rates}, not from its own rate 5e-4')


def check(recipe):
    with tempfile.TemporaryDirectory() as root:
        whole = recipe_module.run(recipe, os.path.join(root, 'whole'), hours=1)
        for _ in range(3):
            pieces = recipe_module.run(recipe, os.path.join(root, 'pieces'), hours=1, max_chunks=1)
        progress = torch.load(os.path.join(root, 'pieces', 'state.pt'))['progress']
        assert progress['iteration'] == 9, progress
        for key in whole:
            if not torch.equal(whole[key], pieces[key]):
                sys.exit(f'test_resume: {key} differs between a resumed and an uninterrupted run ({recipe["name"]})')
        if 'ema' in recipe:
            averaged = [torch.load(os.path.join(root, run, 'state.pt'))['ema'] for run in ('whole', 'pieces')]
            for key in averaged[0]:
                if not torch.equal(averaged[0][key], averaged[1][key]):
                    sys.exit(f'test_resume: the average of {key} differs between a resumed and an uninterrupted run')
            if all(torch.equal(averaged[0][key], whole[key]) for key in whole):
                sys.exit('test_resume: the weight average equals the weights')
        changed = dict(recipe, lr=2e-3)
        try:
            recipe_module.run(changed, os.path.join(root, 'pieces'), hours=1)
            sys.exit('test_resume: a changed recipe resumed a run folder made by another')
        except SystemExit as error:
            assert 'different recipe' in str(error), error


if __name__ == '__main__':
    main()
