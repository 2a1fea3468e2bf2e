-- The archiving DELETE, per row: one run's 40 task instances deleted, then rolled back so every
-- repetition deletes the same rows (3 statements: subtract 3 round trips of SELECT 1).
\set d random(1, :dags)
BEGIN;
DELETE FROM task_instance WHERE dag_id = 'dag_' || :d AND execution_date = timestamptz '2020-01-01' + :runs * interval '1 hour';
ROLLBACK;
