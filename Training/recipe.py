"""Runs a named training recipe for some hours and stops; the next call continues exactly where it stopped.

A recipe (Training/recipes.json) fixes the network, the data, the loss and one long schedule (total
iterations, cosine decay, population-BN and large-patch phases at its end). Its run folder,
Training/checkpoints/NAME/, holds the whole state after the last completed chunk (weights, Adam's
moments, the schedule's step, both random generators, the iteration and the CPU seconds spent) and a
log of loss and held-out validation PSNR. Resuming restores every piece, so N calls of H hours train
the same network as one call of N*H hours (test_resume.py checks this bit for bit).

Optional recipe keys, for the proxy comparisons (Training/README.md): "loss": "charbonnier";
"data": training sets (default ["BSD400"]; "T91" adds its 91 images after BSD400's, so that the
held-out images of BSD400 stay the same); "ema": a decay, so that validation and the exported model use an exponential moving average of the
weights; "distill": {"teacher": NAME, "weight": w}, adding w * L1(student, teacher) with the teacher's
outputs made once by teacher.py; "act": "relu" (default "prelu"), for the frontier search (frontier.py);
"widen_from": another recipe of the same scale and depth, narrower, whose schedule is complete: the run
starts from that recipe's final weights, widened so that the wider network computes what they did
(train.py's `widen`), instead of from random weights; "warmup": iterations over which the learning rate
rises linearly to the schedule's (Adam's first steps at the full rate move every weight by about the
rate, which knocked a widened start's held-out PSNR from 31.68 to 31.33 dB in 5 iterations);
"restart_from": another recipe of the same network whose schedule is complete: the run starts from its
final weights (a warm restart of the cosine schedule, as SGDR's), to train a model further than its
first schedule took it without replaying that schedule;
"decay_from": {"recipe": NAME, "iteration": N}: a decay branch, as in warmup-stable-decay schedules
(MiniCPM, Hu et al. 2024): the run starts from recipe NAME's weights and Adam moments at iteration N of
its (long, unfinished) schedule and decays the rate from "lr" (set it to NAME's rate at N) to 1% over
its own short schedule, with its own population-BN and large-patch phases, so that a long run yields a
finished model at N without waiting for its end. NAME's run keeps its state at every iteration some
recipe branches from, as state-N.pt beside state.pt.

Validation is on a held-out split of the training images (every 20th in sorted order),
never on Set5/Set14/B100: those are test sets, reported by evaluate.py, not selected on.

    python3 Training/recipe.py x2-default --hours 2          # or: make train MODEL=x2-default HOURS=2
"""
import argparse, json, math, os, resource, shutil, sys, time
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repsr import RepSR
from safetensors_io import write_safetensors
from teacher import teacher_path
from train import DEFAULT_SETS, batch, psnr_y, training_pairs, widen

HERE = os.path.dirname(os.path.abspath(__file__))
HELD_OUT_EVERY = 20


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def split(hrs, lrs, teachers=None):
    """(training HRs, LRs and teacher outputs or None, validation pairs): every HELD_OUT_EVERY-th image is
    held out for validation."""
    kept = [k for k in range(len(hrs)) if k % HELD_OUT_EVERY != 0]
    held = [(hrs[k], lrs[k]) for k in range(0, len(hrs), HELD_OUT_EVERY)]
    return [hrs[k] for k in kept], [lrs[k] for k in kept], [teachers[k] for k in kept] if teachers is not None else None, held


def load_teachers(recipe, hrs):
    """The distillation teacher's outputs on every training image, or None."""
    if 'distill' not in recipe:
        return None
    path = teacher_path(recipe['distill']['teacher'], recipe['scale'])
    if not os.path.exists(path):
        sys.exit(f'recipe.py: {path} is missing: make it with Training/teacher.py (see its docstring)')
    teachers = list(np.load(path, allow_pickle=True)['teacher'])
    if len(teachers) != len(hrs) or any(t.shape != h.shape for t, h in zip(teachers, hrs)):
        sys.exit(f'recipe.py: {path} does not match the training images; make it again')
    return teachers


class WeightAverage:
    """An exponential moving average of a network's weights and BatchNorm statistics."""

    def __init__(self, net, decay):
        self.decay = decay
        self.state = {k: v.detach().clone() for k, v in net.state_dict().items()}

    def update(self, net):
        with torch.no_grad():
            for key, value in net.state_dict().items():
                if value.dtype.is_floating_point:
                    self.state[key].mul_(self.decay).add_(value.detach(), alpha=1 - self.decay)
                else:
                    self.state[key].copy_(value)

    def network(self, recipe):
        """A network holding the averaged weights (validation and export put it in eval mode, where
        BatchNorm uses the averaged running statistics)."""
        copy = RepSR(recipe['scale'], recipe['channels'], recipe['hidden'], recipe['expand'], recipe.get('act', 'prelu'))
        copy.load_state_dict(self.state)
        return copy


def run_folder(name):
    """Recipe `name`'s run folder: its state, log and exported model."""
    return os.path.join(HERE, 'checkpoints', name)


def finished_weights(name):
    """The final weights of recipe `name`'s run in Training/checkpoints, which must have completed its
    schedule (so that a run starting from them starts from the same weights whenever it is replayed)."""
    path = os.path.join(run_folder(name), 'state.pt')
    if not os.path.exists(path):
        sys.exit(f'recipe.py: {path} is missing: run recipe {name} first')
    saved = torch.load(path)
    done, total = saved['progress']['iteration'], saved['recipe']['iterations']
    if done < total:
        sys.exit(f'recipe.py: recipe {name} is at iteration {done} of {total}; finish it before starting from it')
    return saved['model']


def branch_state(source):
    """The saved state of recipe source['recipe'] at iteration source['iteration'], kept by its run
    (`kept_iterations`)."""
    path = os.path.join(run_folder(source['recipe']), f"state-{source['iteration']}.pt")
    if not os.path.exists(path):
        sys.exit(f"recipe.py: {path} is missing: run recipe {source['recipe']} to iteration {source['iteration']} "
                 f"first (its run keeps that state because a recipe branches from it)")
    return torch.load(path)


def kept_iterations(recipes, name):
    """The iterations of recipe `name` that some recipe in `recipes` branches from ("decay_from")."""
    return {r['decay_from']['iteration'] for r in recipes.values()
            if r.get('decay_from', {}).get('recipe') == name}


def load_recipe(name, path, recipes=None):
    """Recipe `name` of the recipes file at `path` (`recipes`: that file already read)."""
    recipes = json.load(open(path)) if recipes is None else recipes
    if name not in recipes:
        sys.exit(f'recipe.py: no recipe "{name}" in {path} (have: {", ".join(sorted(recipes))})')
    recipe = dict(recipes[name])
    recipe['name'] = name
    return recipe


def atomic_save(obj, path):
    tmp = path + '.tmp'
    torch.save(obj, tmp)
    with open(tmp, 'rb') as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def export(net, recipe, state, psnr, path):
    metadata = {
        'arch': 'plainsr', 'scale': str(recipe['scale']), 'colors': '1', 'input_range': '1',
        'channels': str(recipe['channels']), 'hidden': str(recipe['hidden']), 'act': recipe.get('act', 'prelu'),
        'name': recipe['model_name'], 'recipe': recipe['name'],
        'trained_as': f"RepSR (expand {recipe['expand']}, 2 paths + identity), folded",
        'training_data': ' + '.join(recipe.get('data', DEFAULT_SETS))
        + ' (every 20th image held out), MATLAB bicubic LR, Y (BT.601 limited) / 255',
        'iterations': str(state['iteration']), 'heldout_psnr_y': f'{psnr:.4f}',
        'training_cpu_seconds': str(int(state['cpu_seconds'])),
    }
    tensors = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in net.deploy_state_dict().items()}
    tmp = path + '.tmp'
    write_safetensors(tmp, tensors, metadata)
    os.replace(tmp, path)


def run(recipe, folder, hours, max_chunks=None, threads=1, keep=()):
    """Trains `recipe` in `folder` until `hours` of wall time pass (or `max_chunks` chunks, for tests) or
    the schedule ends; the states saved at the iterations in `keep` are also kept as state-N.pt.
    Returns the state dict saved last."""
    torch.set_num_threads(threads)
    os.makedirs(folder, exist_ok=True)
    scale, total = recipe['scale'], recipe['iterations']
    hrs, lrs = training_pairs(scale, os.path.join(HERE, '.cache'), tuple(recipe.get('data', DEFAULT_SETS)))
    teachers = load_teachers(recipe, hrs)
    hrs, lrs, teachers, held = split(hrs, lrs, teachers)
    held = held[:recipe.get('validation_images', len(held))]
    torch.manual_seed(recipe['seed'])
    net = RepSR(scale, recipe['channels'], recipe['hidden'], recipe['expand'], recipe.get('act', 'prelu'))
    # Channels-last weights take oneDNN's NHWC convolutions: a training iteration of M6C16 (batch 16,
    # 48x48) took 250-340 ms instead of 310-440 on one core (AMD EPYC Zen 4, PyTorch 1.13), 15-20% less
    # at C32. The input (one channel) is the same in either layout. Resuming loads into these tensors.
    net = net.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(net.parameters(), lr=recipe['lr'])
    warmup = max(1, recipe.get('warmup', 0))

    def rate_factor(i):
        """Cosine decay to 1% over the schedule, times the linear warm-up (1 without one)."""
        return (0.5 * (1 + math.cos(math.pi * min(i, total) / total)) * 0.99 + 0.01) * min(1.0, (i + 1) / warmup)

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate_factor)
    rng = np.random.default_rng(recipe['seed'])
    state_path = os.path.join(folder, 'state.pt')
    state = {'iteration': 0, 'cpu_seconds': 0.0, 'best_heldout': -1.0}
    resuming = os.path.exists(state_path)
    if not resuming and 'widen_from' in recipe:
        widen(net, finished_weights(recipe['widen_from']))
    elif not resuming and 'restart_from' in recipe:
        net.load_state_dict(finished_weights(recipe['restart_from']))
    elif not resuming and 'decay_from' in recipe:
        trunk = branch_state(recipe['decay_from'])
        net.load_state_dict(trunk['model'])
        # Adam's moments go on from the trunk's; the rate is the branch's own schedule.
        optimizer.load_state_dict(trunk['optimizer'])
        for group in optimizer.param_groups:
            group['lr'] = group['initial_lr'] = recipe['lr']
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate_factor)
    # After the start weights, so that an average starts from them (a resumed one is loaded below).
    average = WeightAverage(net, recipe['ema']) if 'ema' in recipe else None
    if resuming:
        saved = torch.load(state_path)
        if saved['recipe'] != recipe:
            sys.exit(f'recipe.py: {state_path} was made by a different recipe; move it away to start over')
        net.load_state_dict(saved['model'])
        optimizer.load_state_dict(saved['optimizer'])
        schedule.load_state_dict(saved['schedule'])
        rng.bit_generator.state = saved['numpy_rng']
        torch.set_rng_state(saved['torch_rng'])
        state = saved['progress']
        if average is not None:
            average.state = saved['ema']
        print(f"resumed {recipe['name']} at iteration {state['iteration']} of {total} "
              f"({state['cpu_seconds'] / 3600:.2f} CPU hours so far)", flush=True)
    population_from = int(total * (1 - recipe['population_bn']))
    finetune_from = int(total * (1 - recipe['finetune']))
    large_patch = min(recipe['patch'] * 2, int(np.median([min(lr.shape) for lr in lrs])))
    chunk, deadline, chunks = recipe['chunk'], time.time() + hours * 3600, 0
    log_path = os.path.join(folder, 'log.jsonl')
    while state['iteration'] < total and time.time() < deadline and (max_chunks is None or chunks < max_chunks):
        cpu_start = cpu_seconds()
        end = min(total, state['iteration'] + chunk)
        for iteration in range(state['iteration'] + 1, end + 1):
            net.train()
            if iteration > population_from:
                net.set_population_bn()
            patch = large_patch if iteration > finetune_from else recipe['patch']
            count = max(1, recipe['batch'] // 4) if iteration > finetune_from else recipe['batch']
            lr, hr, teacher = batch(hrs, lrs, scale, patch, count, rng, teachers)
            out = net(lr)
            if recipe['loss'] == 'l1':
                loss = F.l1_loss(out, hr)
            else:  # Charbonnier
                loss = torch.sqrt((out - hr) ** 2 + 1e-6).mean()
            if teachers is not None:
                loss = loss + recipe['distill']['weight'] * F.l1_loss(out, teacher)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            if average is not None:
                average.update(net)
        state['iteration'] = end
        state['cpu_seconds'] += cpu_seconds() - cpu_start
        chunks += 1
        judged = average.network(recipe) if average is not None else net
        psnr = psnr_y(judged, held, scale, 'cpu') if held else float('nan')
        entry = {'iteration': end, 'loss': loss.item(), 'heldout_psnr_y': psnr,
                 'cpu_hours': state['cpu_seconds'] / 3600, 'lr': schedule.get_last_lr()[0], 'time': int(time.time())}
        line = json.dumps(entry)
        print(line, flush=True)
        # Opened per entry, not once per call: a call runs for hours, and a git checkout or stash
        # meanwhile replaces the file, leaving a handle held open writing to the replaced one (this
        # lost a session's log lines once; they were recovered from the call's output).
        with open(log_path, 'a') as log:
            log.write(line + '\n')
        export(judged, recipe, state, psnr, os.path.join(folder, f"{recipe['model_name']}.safetensors"))
        saved = {'recipe': recipe, 'model': net.state_dict(), 'optimizer': optimizer.state_dict(),
                 'schedule': schedule.state_dict(), 'numpy_rng': rng.bit_generator.state,
                 'torch_rng': torch.get_rng_state(), 'progress': state}
        if average is not None:
            saved['ema'] = average.state
        atomic_save(saved, state_path)
        if end in keep:
            shutil.copyfile(state_path, os.path.join(folder, f'state-{end}.pt'))
    if state['iteration'] >= total:
        print(f"{recipe['name']}: schedule complete ({total} iterations, {state['cpu_seconds'] / 3600:.2f} CPU hours)")
    return net.state_dict()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('recipe')
    parser.add_argument('--hours', type=float, required=True, help='wall-clock budget of this call')
    parser.add_argument('--recipes', default=os.path.join(HERE, 'recipes.json'))
    parser.add_argument('--folder', help='run folder (default Training/checkpoints/RECIPE)')
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    recipes = json.load(open(args.recipes))
    recipe = load_recipe(args.recipe, args.recipes, recipes)
    run(recipe, args.folder or run_folder(recipe['name']), args.hours, threads=args.threads,
        keep=kept_iterations(recipes, recipe['name']))


if __name__ == '__main__':
    main()
