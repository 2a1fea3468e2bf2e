#!/usr/bin/python3
"""The report's verdict formats an SLA's bound and value in its metric's unit, as the terminal
summary does: seconds for *_s figures, a percentage for 0-1 figures (utilisations and ratios)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "reports"))

from schedlab_report import verdict  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
