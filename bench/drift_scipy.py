#!/usr/bin/env python3
"""The scipy side of bench/drift.ts: the drift statistics Evidently's defaults compute, on the same data.

    /usr/bin/python3 bench/drift_scipy.py <dir> [runs]

<dir> holds manifest.json (written by bench/drift.ts) and one binary file per column and side:
float64 little-endian (.f64) for numeric features, uint16 category codes (.u16) for categorical ones,
whose names are listed in the manifest. Loading is not timed. Timed, per feature (time.perf_counter),
as Evidently's defaults for a baseline of more than 1000 rows:

- numeric:      scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
- categorical:  scipy.spatial.distance.jensenshannon(ref_shares, cur_shares)  (natural log), the shares
                from np.bincount of the codes over the union of categories
- every feature: PSI with the reference's deciles as bin edges (np.quantile, method 'linear'),
                left-closed bins (np.searchsorted side='right'), empty shares replaced by 1e-4

The per-feature times are summed; the whole pass runs `runs` times (default 3) and the best total is
kept. Prints one JSON object on stdout.
"""
import json
import os
import sys
import time

import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance

DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
EMPTY_SHARE = 1e-4
STD_FLOOR = 0.001


def psi_from_counts(ref_counts, cur_counts):
    r = ref_counts / ref_counts.sum()
    c = cur_counts / cur_counts.sum()
    r = np.where(r == 0, EMPTY_SHARE, r)
    c = np.where(c == 0, EMPTY_SHARE, c)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric(ref, cur):
    wasserstein = wasserstein_distance(ref, cur) / max(np.std(ref), STD_FLOOR)
    edges = np.quantile(ref, DECILES)
    ref_counts = np.bincount(np.searchsorted(edges, ref, side='right'), minlength=10)
    cur_counts = np.bincount(np.searchsorted(edges, cur, side='right'), minlength=10)
    return {'wasserstein': float(wasserstein), 'psi': psi_from_counts(ref_counts, cur_counts)}


def categorical(ref, cur, k):
    ref_counts = np.bincount(ref, minlength=k)
    cur_counts = np.bincount(cur, minlength=k)
    ref_shares = ref_counts / ref_counts.sum()
    cur_shares = cur_counts / cur_counts.sum()
    return {'jensenshannon': float(jensenshannon(ref_shares, cur_shares)), 'psi': psi_from_counts(ref_counts, cur_counts)}


def main():
    if len(sys.argv) < 2:
        sys.stderr.write('usage: drift_scipy.py <dir> [runs]\n')
        sys.exit(2)
    folder = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with open(os.path.join(folder, 'manifest.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    columns = []
    for feat in manifest['features']:
        dtype = '<f8' if feat['kind'] == 'numeric' else '<u2'
        ref = np.fromfile(os.path.join(folder, feat['baseline']), dtype=dtype)
        cur = np.fromfile(os.path.join(folder, feat['production']), dtype=dtype)
        if feat['kind'] == 'categorical':
            ref = ref.astype(np.intp)
            cur = cur.astype(np.intp)
        columns.append((feat, ref, cur))

    totals = []
    best = {}
    stats = {}
    for _ in range(runs):
        total = 0.0
        for feat, ref, cur in columns:
            t0 = time.perf_counter()
            if feat['kind'] == 'numeric':
                r = numeric(ref, cur)
            else:
                r = categorical(ref, cur, len(feat['categories']))
            dt = time.perf_counter() - t0
            total += dt
            name = feat['name']
            best[name] = min(best.get(name, float('inf')), dt)
            stats[name] = r
        totals.append(total)

    json.dump({
        'python': sys.version.split()[0],
        'numpy': np.__version__,
        'scipy': scipy.__version__,
        'runs': runs,
        'runTotalsS': totals,
        'bestTotalS': min(totals),
        'features': [{'name': feat['name'], 'kind': feat['kind'], 'bestS': best[feat['name']], **stats[feat['name']]}
                     for feat, _, _ in columns],
    }, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
