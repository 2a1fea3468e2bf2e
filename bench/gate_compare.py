#!/usr/bin/python3
"""Compares Google Benchmark runs of a base revision and of the working tree, benchmark by
benchmark, as tools/bench-gate needs: a benchmark regressed when its times differ significantly
(two-sided Mann-Whitney U over the repetitions, alpha = 0.05, as Google Benchmark's compare.py)
AND its median got slower by more than the tolerance. Noise alone never fails the gate.

usage: gate_compare.py --base A.json [A2.json ...] --new B.json [B2.json ...] [--tolerance 5%]
Prints a table; exit code 1 when a benchmark regressed, 2 on bad input, 0 otherwise.

The U test is SciPy's mannwhitneyu (scipy.stats, Debian's python3-scipy): the exact distribution
when both samples have at most 20 runs and no ties, else the normal approximation with tie and
continuity correction."""

import argparse
import json
import statistics
import sys

from scipy.stats import mannwhitneyu


def mann_whitney_u(a, b):
    """Two-sided p-value of the Mann-Whitney U test of samples a and b."""
    n1, n2 = len(a), len(b)
    if n1 == 0 or n2 == 0:
        raise ValueError("empty sample")
    values = list(a) + list(b)
    # SciPy's method="auto" goes exact only when a sample has <= 8 runs; keep exact up to 20 runs.
    exact = n1 <= 20 and n2 <= 20 and len(set(values)) == len(values)
    p = mannwhitneyu(a, b, alternative="two-sided", method="exact" if exact else "asymptotic").pvalue
    return float(p)


def read_times(paths):
    """{benchmark name: [real time in seconds, ...]} over the iteration runs of the files."""
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    out = {}
    for path in paths:
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            raise ValueError(f"{path}: not a Google Benchmark JSON file: {e}")
        for b in data.get("benchmarks", []):
            if b.get("run_type", "iteration") != "iteration" or "real_time" not in b:
                continue
            name = b.get("run_name", b["name"])
            out.setdefault(name, []).append(b["real_time"] * scale.get(b.get("time_unit", "ns"), 1e-9))
    return out


def compare(base, new, tolerance, alpha=0.05):
    """Rows (name, base median, new median, change, p, verdict) for benchmarks in both."""
    rows = []
    for name in sorted(set(base) & set(new)):
        a, b = base[name], new[name]
        mb, mn = statistics.median(a), statistics.median(b)
        change = mn / mb - 1 if mb > 0 else 0.0
        p = mann_whitney_u(a, b)
        if p < alpha and change > tolerance:
            verdict = "SLOWER"
        elif p < alpha and change < -tolerance:
            verdict = "faster"
        elif p < alpha:
            verdict = "within tolerance"
        else:
            verdict = "no significant change"
        rows.append((name, mb, mn, change, p, verdict, len(a), len(b)))
    return rows


def parse_tolerance(text):
    t = text.strip()
    value = float(t[:-1]) / 100 if t.endswith("%") else float(t)
    if value < 0:
        raise ValueError("negative tolerance")
    return value


def main():
    parser = argparse.ArgumentParser(prog="gate_compare.py")
    parser.add_argument("--base", nargs="+", required=True)
    parser.add_argument("--new", nargs="+", required=True)
    parser.add_argument("--tolerance", default="5%")
    args = parser.parse_args()
    try:
        tolerance = parse_tolerance(args.tolerance)
        base, new = read_times(args.base), read_times(args.new)
    except ValueError as e:
        print(f"bench-gate: {e}", file=sys.stderr)
        return 2
    rows = compare(base, new, tolerance)
    if not rows:
        print("bench-gate: no benchmark ran in both builds", file=sys.stderr)
        return 2
    print(f"{'benchmark':<40} {'base median':>12} {'new median':>12} {'change':>8} {'p (U test)':>10}  verdict")
    for name, mb, mn, change, p, verdict, n1, n2 in rows:
        print(f"{name:<40} {mb:>10.3f} s {mn:>10.3f} s {100 * change:>+7.1f}% {p:>10.4f}  {verdict} ({n1} vs {n2} runs)")
        if min(n1, n2) < 4:
            print(f"  note: {min(n1, n2)} runs cannot reach p < 0.05; use --rounds 9 or more")
    regressed = [r[0] for r in rows if r[5] == "SLOWER"]
    only = sorted(set(base) ^ set(new))
    if only:
        print("not compared (in one build only): " + ", ".join(only))
    print(f"bench-gate {'FAILED' if regressed else 'passed'}: tolerance {100 * tolerance:.1f}%, alpha 0.05"
          + (f"; slower: {', '.join(regressed)}" if regressed else ""))
    return 1 if regressed else 0


if __name__ == "__main__":
    sys.exit(main())
