-- Back to one namespace: fails while two owners keep a schema or template of the same name
-- (rename or delete one first), rather than dropping either.
CREATE TABLE schemas_owned AS SELECT * FROM schemas;
CREATE TABLE prompt_templates_owned AS SELECT * FROM prompt_templates;
DROP TABLE prompt_templates;
DROP TABLE schemas;
CREATE TABLE schemas (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  schema_definition TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  is_public INTEGER NOT NULL DEFAULT 0,
  created_by TEXT REFERENCES api_keys (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT,
  UNIQUE (name, version)
);
INSERT INTO schemas (id, name, description, schema_definition, version, is_public, created_by, created_at,
                     updated_at, deleted_at)
  SELECT id, name, description, schema_definition, version, is_public, created_by, created_at, updated_at, deleted_at
  FROM schemas_owned;
CREATE TABLE prompt_templates (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  template_text TEXT NOT NULL,
  parameters TEXT NOT NULL DEFAULT '[]',
  example_usage TEXT,
  schema_id TEXT REFERENCES schemas (id),
  is_public INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO prompt_templates (id, name, description, template_text, parameters, example_usage, schema_id, is_public,
                              created_at, updated_at)
  SELECT id, name, description, template_text, parameters, example_usage, schema_id, is_public, created_at, updated_at
  FROM prompt_templates_owned;
DROP TABLE prompt_templates_owned;
DROP TABLE schemas_owned;

DROP TRIGGER stories_recounted;
DROP TRIGGER stories_counted_out;
DROP TRIGGER stories_counted_in;
DROP TABLE story_counts;
CREATE TABLE story_counts (
  method TEXT PRIMARY KEY,
  stories INTEGER NOT NULL
);
INSERT INTO story_counts (method, stories) SELECT method, COUNT(*) FROM stories GROUP BY method;
CREATE TRIGGER stories_counted_in AFTER INSERT ON stories BEGIN
  INSERT INTO story_counts (method, stories) VALUES (NEW.method, 1)
    ON CONFLICT (method) DO UPDATE SET stories = stories + 1;
END;
CREATE TRIGGER stories_counted_out AFTER DELETE ON stories BEGIN
  UPDATE story_counts SET stories = stories - 1 WHERE method = OLD.method;
END;
CREATE TRIGGER stories_recounted AFTER UPDATE OF method ON stories BEGIN
  UPDATE story_counts SET stories = stories - 1 WHERE method = OLD.method;
  INSERT INTO story_counts (method, stories) VALUES (NEW.method, 1)
    ON CONFLICT (method) DO UPDATE SET stories = stories + 1;
END;

CREATE TABLE usage_daily_shared (
  day TEXT NOT NULL,
  framework TEXT NOT NULL,
  requests INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  cost_nanousd INTEGER NOT NULL,
  PRIMARY KEY (day, framework)
);
INSERT INTO usage_daily_shared (day, framework, requests, tokens, cost_nanousd)
  SELECT day, framework, SUM(requests), SUM(tokens), SUM(cost_nanousd) FROM usage_daily GROUP BY day, framework;
DROP TABLE usage_daily;
ALTER TABLE usage_daily_shared RENAME TO usage_daily;

DROP INDEX usage_ledger_owner;
ALTER TABLE usage_ledger DROP COLUMN owner;
DROP INDEX jobs_owner_created;
ALTER TABLE jobs DROP COLUMN owner;
ALTER TABLE graph_checkpoints DROP COLUMN owner;
DROP INDEX context_executions_owner_created;
ALTER TABLE context_executions DROP COLUMN owner;
ALTER TABLE context_files DROP COLUMN owner;
DROP INDEX chat_conversations_owner_updated;
ALTER TABLE chat_conversations DROP COLUMN owner;
DROP INDEX stories_owner_created;
ALTER TABLE stories DROP COLUMN owner;
