\set d random(1, :dags)
SELECT * FROM dag WHERE dag_id = 'dag_' || :d;
