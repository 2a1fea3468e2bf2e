#!/usr/bin/python3
"""The report's verdict formats an SLA's bound and value in its metric's unit, as the terminal
summary does: seconds for *_s figures, a percentage for 0-1 figures (utilisations and ratios),
with the units of the schema the schedlab binary exports (`schedlab schema --json`).

usage: test_verdict.py SCHEDLAB"""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "reports"))

from schedlab_report import load, schema, verdict  # noqa: E402

SCHEDLAB = sys.argv.pop(1) if len(sys.argv) > 1 else "schedlab"


def setUpModule():
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(subprocess.run([SCHEDLAB, "schema", "--json"], check=True, capture_output=True, text=True).stdout)
    try:
        schema.load(f.name)
    finally:
        os.remove(f.name)


class FmtLimitTest(unittest.TestCase):
    def test_seconds(self):
        self.assertEqual(verdict.fmt_limit("metrics.task_transition_latency_s.p95", 3), "3.00 s")
        self.assertEqual(verdict.fmt_limit("metrics.scheduler_unavailable_s", 0.25), "250.0 ms")

    def test_ratios_and_utilizations_are_percentages(self):
        self.assertEqual(verdict.fmt_limit("metrics.db_cache_hit_ratio", 0.95), "95.0 %")
        self.assertEqual(verdict.fmt_limit("metrics.db_cpu_utilization", 0.5), "50.0 %")
        self.assertEqual(verdict.fmt_limit("metrics_by_pool.compute.worker_cpu_utilization", 0.123), "12.3 %")

    def test_counts_as_they_are(self):
        self.assertEqual(verdict.fmt_limit("metrics.sla_misses", 7), "7")


class SchemaTest(unittest.TestCase):
    def test_units_and_directions(self):
        self.assertEqual(schema.unit("metrics_by_dag.x.task_transition_latency_s.p95"), "s")
        self.assertEqual(schema.better("metrics.tasks_succeeded"), "higher")
        self.assertEqual(schema.better("metrics.db_cache_hit_ratio"), "higher")
        self.assertEqual(schema.unit("metrics.db_rows.task_instance.max"), "rows")

    def test_an_unknown_metric_fails_loudly(self):
        v = load.Variant("dir", {}, {"name": "v", "metrics": {"tasks_lost": 0}})
        self.assertEqual(v.metric("metrics.tasks_lost"), 0)
        with self.assertRaises(schema.SchemaError):
            v.metric("metrics.task_lost")


if __name__ == "__main__":
    unittest.main()
