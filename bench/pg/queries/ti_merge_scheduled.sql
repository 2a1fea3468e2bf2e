\set d random(1, :dags)
UPDATE task_instance SET state = NULL WHERE dag_id = 'dag_' || :d AND task_id = 'task_07' AND execution_date = timestamptz '2020-01-01' + :runs * interval '1 hour';
