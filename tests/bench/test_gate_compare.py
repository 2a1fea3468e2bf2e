#!/usr/bin/python3
"""bench/gate_compare.py: its SciPy-backed U test against reference p-values (computed with SciPy
1.10's mannwhitneyu, two-sided, on the same samples) and the gate's verdicts on Google Benchmark JSON."""

import json
import os
import random
import subprocess
import sys
import tempfile
import unittest

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench")
sys.path.insert(0, BENCH)

import gate_compare  # noqa: E402


def bench_json(path, name, seconds):
    runs = [{"name": name, "run_name": name, "run_type": "iteration", "real_time": s, "time_unit": "s"}
            for s in seconds]
    with open(path, "w") as f:
        json.dump({"context": {}, "benchmarks": runs}, f)


class MannWhitneyU(unittest.TestCase):
    def test_exact_small_samples(self):
        self.assertAlmostEqual(gate_compare.mann_whitney_u([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]), 0.007936507936507936)
        self.assertAlmostEqual(gate_compare.mann_whitney_u([1.1, 2.5, 3.2, 4.8, 5.0, 6.1],
                                                           [3.0, 4.1, 5.5, 6.6, 7.2, 8.9]), 0.13203463203463203)

    def test_exact_up_to_twenty_runs_without_ties(self):
        # SciPy's method="auto" would use the normal approximation for 9 vs 9 (p = 0.000412).
        self.assertAlmostEqual(gate_compare.mann_whitney_u(list(range(9)), list(range(10, 19))), 2 / 48620)

    def test_ties_use_the_corrected_normal_approximation(self):
        self.assertAlmostEqual(gate_compare.mann_whitney_u([1, 2, 2, 3, 4, 5, 5, 6], [3, 4, 4, 5, 6, 7, 8, 8]),
                               0.06369597689779083)

    def test_large_samples(self):
        rng = random.Random(4)
        a = [rng.gauss(10, 1) for _ in range(30)]
        b = [rng.gauss(10.8, 1) for _ in range(30)]
        self.assertAlmostEqual(gate_compare.mann_whitney_u(a, b), 0.0007295106100696473, places=12)

    def test_identical_samples_are_not_different(self):
        self.assertEqual(gate_compare.mann_whitney_u([2.0] * 9, [2.0] * 9), 1.0)


class Gate(unittest.TestCase):
    def run_gate(self, base, new, tolerance="5%"):
        with tempfile.TemporaryDirectory() as d:
            bench_json(os.path.join(d, "base.json"), "BluevineDay/per_dag", base)
            bench_json(os.path.join(d, "new.json"), "BluevineDay/per_dag", new)
            return subprocess.run([sys.executable, os.path.join(BENCH, "gate_compare.py"),
                                   "--base", os.path.join(d, "base.json"), "--new", os.path.join(d, "new.json"),
                                   "--tolerance", tolerance], capture_output=True, text=True)

    def test_a_significant_slowdown_beyond_the_tolerance_fails(self):
        rng = random.Random(1)
        base = [5 + rng.uniform(-0.1, 0.1) for _ in range(9)]
        new = [6 + rng.uniform(-0.1, 0.1) for _ in range(9)]
        r = self.run_gate(base, new)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("SLOWER", r.stdout)
        self.assertIn("bench-gate FAILED", r.stdout)

    def test_noise_passes(self):
        rng = random.Random(2)
        base = [5 + rng.gauss(0, 0.5) for _ in range(9)]
        new = [5 + rng.gauss(0, 0.5) for _ in range(9)]
        r = self.run_gate(base, new)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("no significant change", r.stdout)

    def test_significant_but_within_tolerance_or_faster_passes(self):
        base = [5.00 + 0.001 * i for i in range(9)]
        r = self.run_gate(base, [5.10 + 0.001 * i for i in range(9)])  # +2 %, significant
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("within tolerance", r.stdout)
        r = self.run_gate(base, [4.0 + 0.001 * i for i in range(9)])
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("faster", r.stdout)
        r = self.run_gate(base, [5.10 + 0.001 * i for i in range(9)], tolerance="1%")
        self.assertEqual(r.returncode, 1, r.stdout)

    def test_bad_input_exits_two(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "bad.json"), "w") as f:
                f.write("{not json")
            r = subprocess.run([sys.executable, os.path.join(BENCH, "gate_compare.py"), "--base",
                                os.path.join(d, "bad.json"), "--new", os.path.join(d, "bad.json")],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
