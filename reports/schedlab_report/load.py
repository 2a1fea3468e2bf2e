"""Reading results directories: results.json, timeseries.csv, pool_timeseries.csv and api_timeseries.csv. Everything the plots and the
verdict need, one Variant per variant."""

import csv
import json
import os

import numpy as np

from schedlab_report import schema


class ReportInputError(Exception):
    """Bad input: a missing or malformed results directory (exit code 2)."""


class Variant:
    """One variant of one results directory."""

    def __init__(self, results_dir, results, data):
        self.dir = results_dir
        self.scenario = results.get("scenario", "?")
        # "live" for `schedlab live` results, "observed" for `schedlab import`'s
        self.source = results.get("source", "simulated")
        self.name = data["name"]
        self.data = data
        self.metrics = data.get("metrics", {})
        self.config = data.get("config", {})
        self.slas = data.get("slas", [])
        self.label = self.name
        self.color = None
        self.timeseries = {}
        self.pool_series = {}  # pool name -> {column: np.array}, from pool_timeseries.csv
        self.api_series = {}  # airflow3: {column: np.array}, from api_timeseries.csv

    def metric(self, path):
        """The number at a dotted path inside the variant (as the C++ lookup), or None. A metrics path
        must name a metric of schedlab's result schema: a renamed metric fails loudly."""
        if path.startswith("metrics"):
            schema.path(path)
        return self.metric_at(*path.split("."))

    def metric_at(self, *keys):
        """The number under these keys (a DAG id may hold a '.', which a dotted path cannot), or None."""
        node = self.data
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return None
            if node.get("count") == 0 and key != "count":
                return None
            node = node[key]
        return node if isinstance(node, (int, float)) and not isinstance(node, bool) else None

    def horizon_s(self):
        return float(self.config.get("run", {}).get("horizon_s", 0) or 0)


def _read_timeseries(path, key=lambda row: row["variant"]):
    """Columns per variant name (or other key): {key: {column: np.array}}."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        rows = {}
        for row in reader:
            rows.setdefault(key(row), []).append(row)
    for variant, vrows in rows.items():
        cols = {}
        for key in vrows[0]:
            if key == "variant":
                continue
            try:
                cols[key] = np.array([float(r[key]) for r in vrows])
            except ValueError:
                continue
        out[variant] = cols
    return out


def load(dirs):
    """All variants of the given results directories, labelled uniquely, one colour each."""
    variants = []
    for d in dirs:
        path = os.path.join(d, "results.json") if os.path.isdir(d) else d
        rdir = os.path.dirname(path) or "."
        if not os.path.exists(path):
            raise ReportInputError(f"{d}: no results.json (run `schedlab run` first)")
        try:
            with open(path) as f:
                results = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            raise ReportInputError(f"{path}: not a results.json: {e}")
        if not isinstance(results, dict) or not isinstance(results.get("variants"), list):
            raise ReportInputError(f"{path}: not a results.json: no 'variants' list")
        series = _read_timeseries(os.path.join(rdir, "timeseries.csv"))
        pools = _read_timeseries(os.path.join(rdir, "pool_timeseries.csv"), lambda row: (row["variant"], row["pool"]))
        api = _read_timeseries(os.path.join(rdir, "api_timeseries.csv"))
        for data in results["variants"]:
            if not isinstance(data, dict) or "name" not in data:
                raise ReportInputError(f"{path}: a variant without a name")
            v = Variant(rdir, results, data)
            v.timeseries = series.get(v.name, {})
            v.pool_series = {pool: cols for (name, pool), cols in pools.items() if name == v.name}
            v.api_series = api.get(v.name, {})
            variants.append(v)
    if not variants:
        raise ReportInputError("no variants in the given results")
    scenarios = {v.scenario for v in variants}
    sources = {v.source for v in variants}
    seen = {}
    for v in variants:
        label = v.name
        if len(scenarios) > 1:
            label = f"{v.scenario}/{label}"
        if len(sources) > 1:
            label = f"{label} ({v.source})"
        n = seen.get(label, 0)
        seen[label] = n + 1
        v.label = label if n == 0 else f"{label} #{n + 1}"
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
               "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    for i, v in enumerate(variants):
        v.color = palette[i % len(palette)]
    return variants


def focus_dag(variants):
    """The DAG the report looks at closely: the one the SLAs name, else the one with most tasks."""
    for v in variants:
        for sla in v.slas:
            parts = sla.get("metric", "").split(".")
            if parts[0] == "metrics_by_dag" and len(parts) > 2:
                return parts[1]
    best, size = None, 0
    for v in variants:
        for dag in v.config.get("dags", []):
            n = len(dag.get("tasks", []))
            if n > size:
                best, size = dag.get("name"), n
    return best if size > 1 else None


def sample_runs(variants, dag):
    """For each variant, the run of `dag` results.json keeps as typical (median duration of a few
    sampled runs): {label: (run_id, [(task_id, created, scheduled, queued, started, ended)])}."""
    out = {}
    for v in variants:
        sample = v.data.get("sample_runs", {}).get(dag)
        if not sample or not sample.get("tries"):
            continue
        cols = sample["columns"]
        idx = [cols.index(c) for c in ("task_id", "created_s", "scheduled_s", "queued_s", "started_s", "ended_s")]
        tries = []
        for t in sample["tries"]:
            task, *times = (t[i] for i in idx)
            tries.append((task, *[float("nan") if x < 0 else float(x) for x in times]))
        out[v.label] = (sample["run_id"], tries)
    return out
