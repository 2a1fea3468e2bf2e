#!/usr/bin/python3
"""Reads psql's output of one `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` (other lines, such as
BEGIN and ROLLBACK, are skipped) and prints the plan's buffer use: pages found in shared buffers,
pages read from outside them, and the milliseconds spent reading (with track_io_timing on)."""
import json
import sys

text = sys.stdin.read()
start, end = text.find("["), text.rfind("]")
if start < 0 or end < start:
    sys.exit(f"plan_buffers.py: no EXPLAIN JSON in psql's output:\n{text}")
plan = json.loads(text[start:end + 1])[0]["Plan"]
print(plan.get("Shared Hit Blocks", 0), plan.get("Shared Read Blocks", 0), plan.get("I/O Read Time", 0.0))
