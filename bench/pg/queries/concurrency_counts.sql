SELECT task_id, dag_id, count(*) FROM task_instance WHERE state IN ('running', 'queued') GROUP BY task_id, dag_id;
