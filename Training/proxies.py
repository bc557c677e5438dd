"""Compares the proxy recipes (recipes.json, "proxy-*"): each changes one thing of the same short schedule
(6,000 iterations of x2-default's network and data), and the table says what it gained.

For each proxy run folder under Training/checkpoints: iterations and CPU hours done, the held-out
Y-PSNR at the end and at every iteration the baseline also logged, the difference to the baseline
(proxy-x2-l1) at equal iterations, and that difference per CPU hour of the proxy. A proxy still
running is compared at the last iteration both have reached.

    make train MODEL=proxy-x2-l1 HOURS=1        # and each other proxy-* (distill needs teacher.py first)
    python3 Training/proxies.py
"""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = 'proxy-x2-l1'


def log(name):
    path = os.path.join(HERE, 'checkpoints', name, 'log.jsonl')
    if not os.path.exists(path):
        return None
    return {entry['iteration']: entry for entry in map(json.loads, open(path))}


def main():
    recipes = json.load(open(os.path.join(HERE, 'recipes.json')))
    names = [name for name in recipes if name.startswith('proxy-')]
    base = log(BASELINE)
    if base is None:
        sys.exit(f'proxies.py: no log for the baseline {BASELINE} yet (make train MODEL={BASELINE} HOURS=1)')
    print(f"{'recipe':<22} {'iterations':>10} {'CPU h':>6} {'held-out dB':>11} {'vs ' + BASELINE:>17} {'dB per CPU h':>12}")
    for name in names:
        entries = log(name)
        if entries is None:
            print(f'{name:<22} (not run)')
            continue
        common = max(set(entries) & set(base), default=None)
        last = entries[max(entries)]
        if common is None:
            print(f"{name:<22} {last['iteration']:>10} {last['cpu_hours']:>6.2f} {last['heldout_psnr_y']:>11.3f}")
            continue
        gain = entries[common]['heldout_psnr_y'] - base[common]['heldout_psnr_y']
        hours = entries[common]['cpu_hours']
        print(f"{name:<22} {last['iteration']:>10} {last['cpu_hours']:>6.2f} {last['heldout_psnr_y']:>11.3f} "
              f"{gain:>+10.3f} at {common:>5} {gain / hours:>+12.3f}")


if __name__ == '__main__':
    main()
