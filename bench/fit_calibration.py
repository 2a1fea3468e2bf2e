#!/usr/bin/python3
"""Fits schedlab's query-cost calibration from pgbench timings (see calibrate-pgbench.sh).

Input: a TSV of `latency SIZE QUERY MS` and `rows SIZE TABLE ROWS BYTES` lines. For each measured
query shape, the time the DB spends on it is pgbench's single-client latency minus that of
`SELECT 1` at the same size (the client round trip, which the simulator adds itself as
metadb.network_rtt). Each shape is fitted as fixed + per_decade * log10(table rows) by least
squares over the sizes; the SELECT of a run's task instances is also timed at 10 and 40 rows,
which gives the cost per row returned. Every query type of the simulator's catalog is then costed
from the shape that issues the same SQL, times the statements one query of the type sends.
"""
import argparse
import datetime
import json
import math
import sys

import numpy as np

# catalog type -> (measured shape, statements per query; keep in step with sim/model/QueryCatalog.h)
CATALOG = {
    "tis_without_dagrun": ("concurrency_counts", 1),
    "find_scheduled_tis": ("find_scheduled_tis", 1),
    "select_pools": ("sync_dag", 1),
    "concurrency_counts": ("concurrency_counts", 1),
    "pool_open_slots": ("concurrency_counts", 1),
    "lock_and_queue_tis": ("ti_merge_scheduled", 2),
    "sync_dag": ("sync_dag", 2),
    "get_paused_dags": ("sync_dag", 1),
    "create_dag_run_checks": ("create_dag_run_checks", 1),
    "find_running_dagruns": ("find_running_dagruns", 1),
    "verify_integrity": ("update_state_select_tis", 1),
    "update_state_select_tis": ("update_state_select_tis", 1),
    "update_state_unfinished": ("update_state_select_tis", 1),
    "ti_current_state": ("ti_current_state", 1),
    "trigger_rule_dep": ("trigger_rule_dep", 1),
    "not_previously_skipped_dep": ("update_state_select_tis", 1),
    "prev_dagrun_dep": ("ti_current_state", 1),
    "schedulable_tis_select": ("update_state_select_tis", 1),
    "dagrun_update": ("ti_merge_scheduled", 1),
    "ti_lock_for_schedule": ("ti_current_state", 1),
    "ti_merge_scheduled": ("ti_merge_scheduled", 1),
    "dagrun_insert": ("ti_merge_scheduled", 2),
    "dags_needing_dagruns": ("sync_dag", 1),
    "start_queued_dagruns": ("find_running_dagruns", 1),
    "next_dagruns_to_examine": ("find_running_dagruns", 1),
    "update_state_changes": ("update_state_select_tis", 1),
    "schedule_tis": ("ti_merge_scheduled", 1),
    "pool_slots_lock": ("sync_dag", 1),
    "pool_state_counts": ("concurrency_counts", 1),
    "scheduled_tis_for_update": ("find_scheduled_tis", 1),
    "bulk_queue_tis": ("ti_merge_scheduled", 1),
    "executor_events": ("ti_current_state", 1),
    "scheduler_heartbeat": ("scheduler_heartbeat", 1),
    "worker_start": ("ti_merge_scheduled", 5),
    "worker_finish": ("ti_merge_scheduled", 4),
    "worker_heartbeat": ("scheduler_heartbeat", 4),
    "mini_scheduler": ("update_state_select_tis", 3),
    "archive_delete": ("archive_delete_tis", 1),
}
# the table whose size a shape's cost grows with
SHAPE_TABLE = {
    "trigger_rule_dep": "task_instance", "update_state_select_tis": "task_instance",
    "ti_current_state": "task_instance", "find_scheduled_tis": "task_instance",
    "concurrency_counts": "task_instance", "ti_merge_scheduled": "task_instance",
    "find_running_dagruns": "dag_run", "create_dag_run_checks": "dag_run",
    "scheduler_heartbeat": "job", "sync_dag": "dag",
}
# shapes that send more than one statement (pgbench times the whole script)
SHAPE_STATEMENTS = {"archive_delete_tis": 3}
# shapes whose cost is per row: (rows one execution touches)
PER_ROW_SHAPES = {"archive_delete_tis": 40}


def fit_shapes(value, sizes, rows):
    """Per shape: (fixed, per_decade, per_row_returned, per_row_scanned) fitted to value[(size, shape)],
    and report rows (shape, fixed, per_decade, per_row, fit errors % per size)."""
    per_row = np.mean([max(0.0, (value[(s, "update_state_select_tis")] - value[(s, "update_state_select_tis_10")]) / 30)
                       for s in sizes])
    shapes, report = {}, []
    for shape, table in SHAPE_TABLE.items():
        x = np.array([math.log10(1 + rows[(s, table)]) for s in sizes])
        y = np.array([value[(s, shape)] for s in sizes])
        A = np.vstack([np.ones_like(x), x]).T
        (fixed, decade), *_ = np.linalg.lstsq(A, y, rcond=None)
        decade = max(0.0, decade)
        fixed = max(0.0, float(np.mean(y - decade * x)))
        returned = per_row if shape == "update_state_select_tis" else 0.0
        if returned:
            fixed = max(0.0, fixed - 40 * returned)  # its rows were 40 task instances
        pred = fixed + decade * x + 40 * returned
        err = [abs(p - m) / m * 100 if m > 0 else 0 for p, m in zip(pred, y)]
        shapes[shape] = (fixed, decade, returned, 0.0)
        report.append((shape, fixed, decade, returned, err))
    # A DELETE's cost per row deleted (index maintenance included), averaged over the sizes.
    for shape, nrows in PER_ROW_SHAPES.items():
        y = np.array([value[(s, shape)] for s in sizes]) / nrows
        per = float(np.mean(y))
        shapes[shape] = (0.0, 0.0, 0.0, per)
        report.append((shape, 0.0, 0.0, per, [abs(per - m) / m * 100 if m > 0 else 0 for m in y]))
    return shapes, report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--command", required=True)
    ap.add_argument("--postgres", required=True)
    ap.add_argument("--machine", required=True)
    a = ap.parse_args()
    samples, rows, size_bytes = {}, {}, {}
    for line in open(a.data):
        f = line.rstrip("\n").split("\t")
        if f[0] == "latency":
            samples.setdefault((int(f[1]), f[2]), []).append(float(f[3]) / 1000.0)
        elif f[0] == "rows":
            rows[(int(f[1]), f[2])] = max(1.0, float(f[3]))
            size_bytes[(int(f[1]), f[2])] = float(f[4])
    lat = {k: float(np.median(v)) for k, v in samples.items()}  # median over the rounds
    sizes = sorted({s for s, _ in lat})
    net = {k: max(0.0, v - SHAPE_STATEMENTS.get(k[1], 1) * lat[(k[0], "baseline_select_1")]) for k, v in lat.items()}

    shapes, report = fit_shapes(net, sizes, rows)
    queries = {}
    for qtype, (shape, statements) in CATALOG.items():
        fixed, decade, returned, scanned = shapes[shape]
        queries[qtype] = {"fixed_s": round(fixed * statements, 9), "per_row_scanned_s": round(scanned * statements, 12),
                          "per_row_returned_s": round(returned * statements, 9),
                          "per_decade_s": round(decade * statements, 9), "measured_as": shape,
                          "statements": statements}

    big = sizes[-1]
    bytes_per_row = {t: round(size_bytes[(big, t)] / rows[(big, t)]) for (s, t) in rows if s == big}
    cal = {
        "schedlab_calibration": 1,
        "measured": {
            "status": "pgbench",
            "command": a.command,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": a.machine,
            "postgres": a.postgres,
            "schema": "Airflow 1.10.12 (bench/pg/airflow-1.10-schema.sql)",
            "sizes_task_instances": sizes,
            "how": "DB time = pgbench single-client latency minus SELECT 1's at the same size; "
                   "fixed + per_decade*log10(table rows) fitted per query shape over the sizes",
            "latency_ms": {f"{s}/{q}": round(v * 1000, 4) for (s, q), v in sorted(lat.items())},
            "fit_error_pct": {r[0]: [round(e, 1) for e in r[4]] for r in report},
        },
        "queries": queries,
        "bytes_per_row": bytes_per_row,
    }
    with open(a.out + ".tmp", "w") as f:
        json.dump(cal, f, indent=2)
        f.write("\n")
    import os
    os.replace(a.out + ".tmp", a.out)
    print(f"{'shape':28} {'fixed_ms':>9} {'per_decade_ms':>13} {'per_row_us':>10}  fit error % per size")
    for shape, fixed, decade, per_row, err in report:
        print(f"{shape:28} {fixed*1e3:9.4f} {decade*1e3:13.4f} {per_row*1e6:10.3f}  {', '.join(f'{e:.1f}' for e in err)}")
    print(f"bytes per row at {big} task instances: {bytes_per_row}")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    sys.exit(main())
