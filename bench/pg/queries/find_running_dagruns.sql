\set d random(1, :dags)
SELECT * FROM dag_run WHERE dag_id = 'dag_' || :d AND state = 'running' AND external_trigger = false;
