\set d random(1, :dags)
SELECT * FROM task_instance WHERE dag_id = 'dag_' || :d AND execution_date = timestamptz '2020-01-01' + :runs * interval '1 hour' AND task_id <= 'task_10';
