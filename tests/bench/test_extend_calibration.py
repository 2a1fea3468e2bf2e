#!/usr/bin/python3
"""bench/extend_calibration.py: a later run's types join an existing calibration on its scale, and
nothing already in it changes."""

import json
import os
import subprocess
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "extend_calibration.py")


def db(fixed, per_decade=0.0):
    return {"fixed_s": fixed, "per_decade_s": per_decade, "per_row_returned_s": 0.0, "per_row_scanned_s": 0.0,
            "pages": {"fixed": 3.0}, "measured_as": "airflow3.1/x", "statements": 1}


def base():
    return {"measured": {"command": "base", "fit_error_pct": {}},
            "queries": {"a": db(1e-4), "b": db(2e-4, 1e-5), "c": db(4e-4)},
            "airflow3": {"queries": {"a": db(1e-4)}, "measured": {"fit_error_pct": {}}},
            "client_costs": {"queries": {"a": {"fixed_s": 5e-4, "per_row_s": 1e-5}}}}


def later():
    # The same machine twice as slow for the DB, the client's as fast; two new types.
    new = {"measured": {"command": "later", "date": "d", "fit_error_pct": {"airflow3.1/x": [1.0, 2.0]}},
           "queries": {"a": db(2e-4), "b": db(4e-4, 2e-5), "c": db(8e-4), "new_db": db(6e-4, 2e-5)},
           "airflow3": {"queries": {"a": db(2e-4), "new_db": db(1e-3)}, "measured": {"fit_error_pct": {}}},
           "client_costs": {"queries": {"a": {"fixed_s": 5e-4, "per_row_s": 1e-5},
                                        "new_client": {"fixed_s": 7e-4, "per_row_s": 2e-5}}}}
    return new


class ExtendCalibration(unittest.TestCase):
    def run_script(self, b, n, types):
        d = tempfile.mkdtemp()
        paths = [os.path.join(d, "base.json"), os.path.join(d, "new.json")]
        for path, content in zip(paths, (b, n)):
            with open(path, "w") as f:
                json.dump(content, f, indent=2, sort_keys=True)
                f.write("\n")
        with open(paths[0]) as f:
            before = f.read()
        r = subprocess.run(["/usr/bin/python3", SCRIPT, "--base", paths[0], "--new", paths[1], "--types", types],
                           capture_output=True, text=True)
        with open(paths[0]) as f:
            after = f.read()
        return r, before, after, d

    def test_new_types_are_scaled_and_the_rest_stays(self):
        r, _, after, d = self.run_script(base(), later(), "new_db,new_client")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(after)
        # The DB costs ran twice as high: the new type's seconds are halved, its pages kept.
        self.assertAlmostEqual(out["queries"]["new_db"]["fixed_s"], 3e-4)
        self.assertAlmostEqual(out["queries"]["new_db"]["per_decade_s"], 1e-5)
        self.assertEqual(out["queries"]["new_db"]["pages"], {"fixed": 3.0})
        self.assertAlmostEqual(out["airflow3"]["queries"]["new_db"]["fixed_s"], 5e-4)
        self.assertAlmostEqual(out["client_costs"]["queries"]["new_client"]["fixed_s"], 7e-4)
        # Everything else as it was.
        self.assertEqual({t: v for t, v in out["queries"].items() if t != "new_db"}, base()["queries"])
        self.assertEqual(out["client_costs"]["queries"]["a"], base()["client_costs"]["queries"]["a"])
        ext = out["measured"]["extensions"][0]
        self.assertEqual(ext["types"], ["new_db", "new_client"])
        self.assertEqual(ext["same_run_vs_base"]["queries"], 2.0)
        self.assertEqual(ext["seconds_scaled_by"]["client_costs"], 1.0)
        self.assertEqual(ext["from"]["command"], "later")
        self.assertEqual([f for f in os.listdir(d) if f.startswith(".")], [])  # no temp file left

    def test_a_type_already_there_is_refused_and_nothing_is_written(self):
        r, before, after, _ = self.run_script(base(), later(), "b")
        self.assertEqual(r.returncode, 1)
        self.assertIn("queries.b is there already", r.stderr)
        self.assertEqual(before, after)

    def test_a_type_the_new_run_did_not_measure_is_refused(self):
        r, before, after, _ = self.run_script(base(), later(), "nowhere")
        self.assertEqual(r.returncode, 1)
        self.assertIn("measured none of nowhere", r.stderr)
        self.assertEqual(before, after)


if __name__ == "__main__":
    unittest.main()
