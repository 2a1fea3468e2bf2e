"""The result names, as schedlab defines them once (`schedlab schema --json`): each metric's unit
and which direction is better. The report formats a figure by its metric's unit and names only
metrics the schema knows, so neither can drift from the simulator."""

import json

_metrics = {}


class SchemaError(Exception):
    """A metric the schema does not know, or no schema loaded."""


def load(path):
    """Reads the schema file `schedlab report` passes (--schema)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    _metrics.clear()
    for m in doc["metrics"]:
        _metrics[m["key"]] = m


def loaded():
    return bool(_metrics)


def metric_of(path):
    """The schema entry of the metric a dotted results path ends in
    ("metrics_by_dag.x.task_transition_latency_s.p95" -> task_transition_latency_s), or None."""
    parts = path.split(".")
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in _metrics:
            return _metrics[parts[i]]
    return None


def path(*parts):
    """A dotted results path whose metric the schema knows: "metrics.db_cpu_utilization"."""
    p = ".".join(parts)
    if _metrics and metric_of(p) is None:
        raise SchemaError(f"{p}: no such metric in schedlab's result schema")
    return p


def unit(metric_path):
    m = metric_of(metric_path)
    return m["unit"] if m else None


def better(metric_path):
    m = metric_of(metric_path)
    return m["better"] if m else "neither"
