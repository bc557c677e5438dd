"""Held-out Y-PSNR against CPU hours for every recipe that makes a shipped tier (issue 18: when a
target is not reached, is the curve still rising, and what would more hours give?).

Reads each recipe's log (Training/checkpoints/NAME/log.jsonl: one line per chunk with the iteration,
the held-out Y-PSNR and the CPU hours so far) and writes

- Training/curves/curves.md: per recipe, how far its schedule has run, the held-out PSNR now and at
  its best, and the rise over its last CPU hour (a least-squares slope over the log's entries in that
  hour, in dB per CPU hour: the held-out figure moves by a few thousandths between chunks, so one
  pair of entries says little);
- Training/curves/curves.png: held-out PSNR against CPU hours, one panel per scale.

    python3 Training/curves.py

The proxies and the frontier's candidates (short schedules of their own) are left out: proxies.py and
frontier.py report those.
"""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Where the recipes, their logs and the report are (test_curves.py points them elsewhere).
RECIPES_JSON = os.path.join(HERE, 'recipes.json')
CHECKPOINTS = os.path.join(HERE, 'checkpoints')
OUT_DIR = os.path.join(HERE, 'curves')
# The window of the "still rising?" slope.
WINDOW_HOURS = 1.0


def tier_recipes():
    """The recipes that are not proxies, in recipes.json's order."""
    recipes = json.load(open(RECIPES_JSON))
    return {name: recipe for name, recipe in recipes.items() if not name.startswith('proxy-')}


def slope(points):
    """The least-squares slope of (x, y) points, or None for fewer than two distinct x."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def summarize(name, recipe, entries):
    last = entries[-1]
    best = max(entries, key=lambda e: e['heldout_psnr_y'])
    recent = [(e['cpu_hours'], e['heldout_psnr_y']) for e in entries
              if e['cpu_hours'] >= last['cpu_hours'] - WINDOW_HOURS]
    return {
        'name': name, 'scale': recipe['scale'],
        'network': f"M{recipe['hidden']}C{recipe['channels']}" + ('' if recipe.get('act', 'prelu') == 'prelu' else ' ' + recipe['act']),
        'iterations': last['iteration'], 'total': recipe['iterations'], 'cpu_hours': last['cpu_hours'],
        'psnr': last['heldout_psnr_y'], 'best': best['heldout_psnr_y'], 'best_iteration': best['iteration'],
        'rise_per_hour': slope(recent), 'window_hours': last['cpu_hours'] - recent[0][0],
        'lr_fraction': last['lr'] / recipe['lr'],
        'curve': [(e['cpu_hours'], e['heldout_psnr_y']) for e in entries],
    }


def read_log(name):
    """Recipe `name`'s log entries ([] without a log)."""
    path = os.path.join(CHECKPOINTS, name, 'log.jsonl')
    return [json.loads(line) for line in open(path) if line.strip()] if os.path.exists(path) else []


def branch_start_hours(recipe, logs):
    """For a decay branch ("decay_from"), its trunk's CPU hours at the branch point (where the plot
    starts the branch's curve); 0 for other recipes. `logs`: the entries read so far, by recipe."""
    source = recipe.get('decay_from')
    if source is None:
        return 0.0
    entries = logs[source['recipe']] if source['recipe'] in logs else read_log(source['recipe'])
    return next((e['cpu_hours'] for e in entries if e['iteration'] == source['iteration']), 0.0)


def report():
    rows = []
    recipes = tier_recipes()
    logs = {name: read_log(name) for name in recipes}
    for name, recipe in recipes.items():
        if logs[name]:
            rows.append(summarize(name, recipe, logs[name]))
            rows[-1]['start_hours'] = branch_start_hours(recipe, logs)
    os.makedirs(OUT_DIR, exist_ok=True)
    lines = [
        '# Held-out Y-PSNR of the tier recipes against CPU hours',
        '',
        'Held-out: every 20th BSD400 image (the first 20), never a test set. "Rise": least-squares slope of the',
        f'held-out PSNR over the last {WINDOW_HOURS:g} CPU hour of the log (dB per CPU hour; the window actually covered in brackets).',
        'Learning rate: now, as a fraction of the start (cosine to 1%). CPU h: the recipe\'s own; a decay branch',
        '("decay_from") adds its trunk\'s hours at the branch point, where the plot starts its curve.',
        '',
        '| recipe | network | iterations | CPU h | held-out dB now | best (at iteration) | rise, dB per CPU h | learning rate |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ]
    for r in rows:
        rise = '-' if r['rise_per_hour'] is None else f"{r['rise_per_hour']:+.3f} ({r['window_hours']:.2f} h)"
        lines.append(f"| {r['name']} | {r['network']} x{r['scale']} | {r['iterations']} of {r['total']} | {r['cpu_hours']:.2f} "
                     f"| {r['psnr']:.3f} | {r['best']:.3f} ({r['best_iteration']}) | {rise} | {r['lr_fraction']:.0%} |")
    with open(os.path.join(OUT_DIR, 'curves.md'), 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    scales = sorted({r['scale'] for r in rows})
    figure, panels = plt.subplots(1, max(1, len(scales)), figsize=(6 * max(1, len(scales)), 4.2), dpi=120, squeeze=False)
    for panel, scale in zip(panels[0], scales):
        for r in (r for r in rows if r['scale'] == scale):
            hours, psnr = zip(*r['curve'])
            hours = [r['start_hours'] + h for h in hours]
            panel.plot(hours, psnr, marker='.', markersize=3, linewidth=1, label=f"{r['name']} ({r['network']})")
        # The first chunks sit a dB or more below the rest; the rise that matters is near the top.
        top = max(r['best'] for r in rows if r['scale'] == scale)
        panel.set_ylim(top - 1.0, top + 0.1)
        panel.set_title(f'x{scale}', fontsize=10)
        panel.set_xlabel('CPU hours (one core)')
        panel.set_ylabel('held-out Y-PSNR (dB)')
        panel.grid(True, alpha=0.3)
        panel.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(os.path.join(OUT_DIR, 'curves.png'))
    print(f"wrote {os.path.join(OUT_DIR, 'curves.md')} and curves.png")
    return rows


if __name__ == '__main__':
    if len(sys.argv) > 1:
        sys.exit(__doc__)
    report()
