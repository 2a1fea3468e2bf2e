# loops.csv: a row per airflow2 loop and per airflow1 processor pass, statements by catalog type.
run tiny-mock.yaml --set run.loops_csv=true --quiet --out "$OUT" > /dev/null && cat "$OUT/loops.csv"
