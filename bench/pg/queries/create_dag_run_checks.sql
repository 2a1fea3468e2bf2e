\set d random(1, :dags)
SELECT max(execution_date) FROM dag_run WHERE dag_id = 'dag_' || :d AND (external_trigger = false OR run_id LIKE 'scheduled\_\_%');
