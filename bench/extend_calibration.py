#!/usr/bin/python3
"""Adds query types a newer `schedlab calibrate` run measured to an existing calibration, on the
existing calibration's scale, leaving everything already in it as it was.

A calibration's seconds move as a whole from one run to the next (the machine, its load, the
server's caches), so a type measured later is not put beside the others as measured: each section
(the DB costs, the airflow3 section's, the client costs) is scaled by the inverse of the median
ratio, over the types both runs measured, of the new run's cost to the existing one's (each type
costed at 1e5 rows of its table, 40 rows returned or written). Pages, bytes and rows are not
scaled. The types added, the ratios and the new run's provenance and fit errors for them are
recorded under measured.extensions.

Usage: extend_calibration.py --base FILE --new FILE --types a,b,... [--out FILE]
(--out defaults to --base; written to a temporary file and renamed)
"""
import argparse
import copy
import json
import os
import statistics
import sys
import tempfile

DB_SECONDS = ["fixed_s", "per_row_scanned_s", "per_row_returned_s", "per_decade_s"]
CLIENT_SECONDS = ["fixed_s", "per_row_s"]


def db_cost(q):
    return (q.get("fixed_s", 0) + 5 * q.get("per_decade_s", 0) +
            40 * (q.get("per_row_returned_s", 0) + q.get("per_row_scanned_s", 0)))


def client_cost(q):
    return q.get("fixed_s", 0) + 40 * q.get("per_row_s", 0)


def section(calibration, path):
    node = calibration
    for key in path:
        node = node.get(key, {}) if isinstance(node, dict) else {}
    return node


def ratio(base, new, skip, cost):
    """The median of new/base over the types both have (not the ones being added)."""
    ratios = [cost(new[t]) / cost(base[t]) for t in base
              if t in new and t not in skip and t != "default" and cost(base[t]) > 0 and cost(new[t]) > 0]
    if not ratios:
        return None, 0
    return statistics.median(ratios), len(ratios)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the calibration to extend")
    parser.add_argument("--new", required=True, help="a calibration that measured the types")
    parser.add_argument("--types", required=True, help="query types to add, comma-separated")
    parser.add_argument("--out", help="where to write (default: --base)")
    args = parser.parse_args()
    with open(args.base) as f:
        base = json.load(f)
    with open(args.new) as f:
        new = json.load(f)
    types = [t for t in args.types.split(",") if t]
    sections = [("queries", ["queries"], DB_SECONDS, db_cost),
                ("airflow3", ["airflow3", "queries"], DB_SECONDS, db_cost),
                ("client_costs", ["client_costs", "queries"], CLIENT_SECONDS, client_cost)]
    extension = {"types": types,
                 "from": {k: new.get("measured", {}).get(k) for k in ("command", "date", "postgres", "machine")},
                 "same_run_vs_base": {}, "seconds_scaled_by": {}, "types_per_section": {}, "fit_error_pct": {}}
    added = 0
    for name, path, fields, cost in sections:
        b, n = section(base, path), section(new, path)
        present = [t for t in types if t in n]
        if not present:
            continue
        if not b:
            sys.exit("extend_calibration.py: %s: the base has no %s section" % (args.base, ".".join(path)))
        for t in present:
            if t in b:
                sys.exit("extend_calibration.py: %s: %s.%s is there already" % (args.base, ".".join(path), t))
        r, count = ratio(b, n, set(types), cost)
        if r is None:
            sys.exit("extend_calibration.py: no type measured by both in %s" % ".".join(path))
        k = round(1 / r, 4)
        extension["same_run_vs_base"][name] = round(r, 4)
        extension["seconds_scaled_by"][name] = k
        extension["types_per_section"][name] = {"added": present, "ratio_over": count}
        for t in present:
            entry = copy.deepcopy(n[t])
            for field in fields:
                if field in entry:
                    entry[field] = round(entry[field] * k, 12)
            b[t] = entry
            added += 1
            measured_as = entry.get("measured_as", "")
            for source in ("measured", ):
                errors = section(new, [source, "fit_error_pct"])
                if name == "airflow3":
                    errors = section(new, ["airflow3", "measured", "fit_error_pct"])
                if measured_as in errors:
                    extension["fit_error_pct"][measured_as] = errors[measured_as]
    if added == 0:
        sys.exit("extend_calibration.py: %s measured none of %s" % (args.new, ",".join(types)))
    base.setdefault("measured", {}).setdefault("extensions", []).append(extension)
    out = args.out or args.base
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(out)), prefix=".extend-")
    with os.fdopen(fd, "w") as f:
        json.dump(base, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, out)
    print("%s: %d entries added; seconds scaled by %s" % (out, added, extension["seconds_scaled_by"]))


if __name__ == "__main__":
    main()
