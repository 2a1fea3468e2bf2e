\set j random(1, 1000)
UPDATE job SET latest_heartbeat = now() WHERE id = :j;
