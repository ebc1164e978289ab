-- Checkpoints of graph runs (the `graph` framework): the state after each superstep, so a
-- run can be carried on by id after a failure or a restart.
CREATE TABLE graph_checkpoints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  step INTEGER NOT NULL,
  graph TEXT NOT NULL,
  status TEXT NOT NULL,
  state TEXT NOT NULL,
  next_nodes TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (run_id, step)
);
CREATE INDEX graph_checkpoints_created ON graph_checkpoints (created_at);
