#!/usr/bin/python3
"""schedlab report: RESULTS_DIR... -> report.html + report.md (+ figures/). Run through
`schedlab report`; exit code 2 on bad input, as every schedlab command."""

import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from schedlab_report import load, plots, render, schema, verdict  # noqa: E402


def build(variants, baseline_name, figure_dir):
    """The report's blocks, in reading order; figures are drawn into figure_dir."""
    focus = load.focus_dag(variants)
    scenarios = verdict.groups(variants)
    title = "schedlab report: " + ", ".join(scenarios)
    blocks = [("h1", title)]
    descriptions = []
    for name, group in scenarios.items():
        desc = {v.data.get("description") for v in group} - {None, ""}
        descriptions.append(f"**{name}**: {len(group)} variants ({', '.join(v.label for v in group)})")
    blocks.append(("p", "; ".join(descriptions) + "."))

    for name, group in scenarios.items():
        baseline = verdict.pick_baseline(group, baseline_name)
        blocks.append(("h2", f"Verdict — {name}"))
        blocks += verdict.sla_blocks(group)
        blocks += verdict.ratio_blocks(group, baseline, focus if all(
            v.metric(f"metrics_by_dag.{focus}.task_transition_latency_s.p95") is not None for v in group) else None)

    blocks += verdict.live_blocks(variants)
    blocks += verdict.observed_blocks(variants)
    blocks.append(("h2", "Latency percentiles"))
    blocks += verdict.percentile_blocks(variants, focus)
    blocks.append(("h2", "Key figures"))
    blocks += verdict.key_figure_blocks(variants)
    blocks += verdict.pool_blocks(variants)
    blocks += verdict.kubernetes_blocks(variants)
    blocks += verdict.api_server_blocks(variants)
    blocks += verdict.triggerer_blocks(variants)
    blocks += verdict.fault_blocks(variants)

    blocks.append(("h2", "Figures"))
    colors = {v.label: v.color for v in variants}
    scope = f"metrics_by_dag.{focus}" if focus else "metrics"
    figures = [
        ("transition_cdf.png", lambda p: plots.transition_cdf(variants, focus, p)),
        ("cost_vs_latency.png", lambda p: plots.cost_vs_latency(
            variants, f"{scope}.task_transition_latency_s.p95",
            f"p95 transition latency{', DAG ' + focus if focus else ''}", p)),
        ("scheduler_loop.png", lambda p: plots.scheduler_loop(variants, p)),
        ("metadata_db.png", lambda p: plots.metadata_db(variants, p)),
        ("queue_and_workers.png", lambda p: plots.queue_and_workers(variants, p)),
        ("worker_pools.png", lambda p: plots.worker_pools(variants, p)),
        ("node_pools.png", lambda p: plots.node_pools(variants, p)),
        ("api_server.png", lambda p: plots.api_server(variants, p)),
        ("faults.png", lambda p: plots.faults(variants, p)),
        ("dag_run_gantt.png", lambda p: plots.gantt(load.sample_runs(variants, focus), colors, focus, p)
         if focus else None),
    ]
    for filename, draw in figures:
        caption = draw(os.path.join(figure_dir, filename))
        if caption:
            blocks.append(("figure", f"figures/{filename}", caption))
    if focus and not any(b[0] == "figure" and b[1].endswith("gantt.png") for b in blocks):
        blocks.append(("p", f"No Gantt chart: no run of DAG {focus} finished in the sampled window "
                            "(the first runs created after the warm-up)."))
    return title, blocks


def main():
    parser = argparse.ArgumentParser(prog="schedlab report")
    parser.add_argument("results", nargs="+", help="results directories written by schedlab run")
    parser.add_argument("--out", required=True, help="directory for report.html, report.md, figures/")
    parser.add_argument("--baseline", default="", help="the variant ratios are taken against (default: the first)")
    parser.add_argument("--schema", required=True, help="schedlab's result schema (schedlab schema --json)")
    args = parser.parse_args()
    schema.load(args.schema)
    try:
        variants = load.load(args.results)
    except load.ReportInputError as e:
        print(f"schedlab report: {e}", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    # Everything is drawn into a temporary directory first and moved into place at the end.
    tmp = tempfile.mkdtemp(prefix=".report-", dir=args.out)
    try:
        figure_dir = os.path.join(tmp, "figures")
        os.makedirs(figure_dir)
        title, blocks = build(variants, args.baseline, figure_dir)
        with open(os.path.join(tmp, "report.md"), "w") as f:
            f.write(render.markdown(blocks))
        with open(os.path.join(tmp, "report.html"), "w") as f:
            f.write(render.html_page(title, blocks, figure_dir))
        final_figures = os.path.join(args.out, "figures")
        if os.path.isdir(final_figures):
            shutil.rmtree(final_figures)
        os.rename(figure_dir, final_figures)
        for name in ("report.md", "report.html"):
            os.replace(os.path.join(tmp, name), os.path.join(args.out, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"report: {os.path.join(args.out, 'report.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
