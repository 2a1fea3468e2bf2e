\set d random(1, :dags)
SELECT state FROM task_instance WHERE dag_id = 'dag_' || :d AND task_id = 'task_05' AND execution_date = timestamptz '2020-01-01' + :runs * interval '1 hour';
