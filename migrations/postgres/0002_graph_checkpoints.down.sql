DROP TABLE graph_checkpoints;
