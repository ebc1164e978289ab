-- Tenant isolation: every stored object records its owner — `team:<team>` (the API keys of
-- one team share), `key:<id>` (a key without a team) or `jwt:<issuer>:<sub>`; empty in
-- single-user mode (no `auth` middleware) and for every row stored before this step — and
-- every read, list, change and report filters by it. Messages belong to their conversation,
-- checkpoints to their run. Names (schemas, templates) are unique per owner, and the
-- roll-ups (stories per framework, usage per day) count per owner.
ALTER TABLE stories ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE INDEX stories_owner_created ON stories (owner, created_at);
ALTER TABLE chat_conversations ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE INDEX chat_conversations_owner_updated ON chat_conversations (owner, updated_at);
ALTER TABLE context_files ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE context_executions ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE INDEX context_executions_owner_created ON context_executions (owner, created_at);
ALTER TABLE graph_checkpoints ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_owner_created ON jobs (owner, created_at);
ALTER TABLE usage_ledger ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE INDEX usage_ledger_owner ON usage_ledger (owner, id);

CREATE TABLE usage_daily_owned (
  owner TEXT NOT NULL DEFAULT '',
  day TEXT NOT NULL,
  framework TEXT NOT NULL,
  requests INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  cost_nanousd INTEGER NOT NULL,
  PRIMARY KEY (owner, day, framework)
);
INSERT INTO usage_daily_owned (day, framework, requests, tokens, cost_nanousd)
  SELECT day, framework, requests, tokens, cost_nanousd FROM usage_daily;
DROP TABLE usage_daily;
ALTER TABLE usage_daily_owned RENAME TO usage_daily;

DROP TRIGGER stories_recounted;
DROP TRIGGER stories_counted_out;
DROP TRIGGER stories_counted_in;
DROP TABLE story_counts;
CREATE TABLE story_counts (
  owner TEXT NOT NULL,
  method TEXT NOT NULL,
  stories INTEGER NOT NULL,
  PRIMARY KEY (owner, method)
);
INSERT INTO story_counts (owner, method, stories) SELECT owner, method, COUNT(*) FROM stories GROUP BY owner, method;
CREATE TRIGGER stories_counted_in AFTER INSERT ON stories BEGIN
  INSERT INTO story_counts (owner, method, stories) VALUES (NEW.owner, NEW.method, 1)
    ON CONFLICT (owner, method) DO UPDATE SET stories = stories + 1;
END;
CREATE TRIGGER stories_counted_out AFTER DELETE ON stories BEGIN
  UPDATE story_counts SET stories = stories - 1 WHERE owner = OLD.owner AND method = OLD.method;
END;
CREATE TRIGGER stories_recounted AFTER UPDATE OF owner, method ON stories BEGIN
  UPDATE story_counts SET stories = stories - 1 WHERE owner = OLD.owner AND method = OLD.method;
  INSERT INTO story_counts (owner, method, stories) VALUES (NEW.owner, NEW.method, 1)
    ON CONFLICT (owner, method) DO UPDATE SET stories = stories + 1;
END;

-- SQLite changes a UNIQUE constraint only by building the table again. Templates link
-- schemas by id: they go first and come back last, so no link is ever left dangling.
CREATE TABLE schemas_before AS SELECT * FROM schemas;
CREATE TABLE prompt_templates_before AS SELECT * FROM prompt_templates;
DROP TABLE prompt_templates;
DROP TABLE schemas;
CREATE TABLE schemas (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  description TEXT,
  schema_definition TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  is_public INTEGER NOT NULL DEFAULT 0,
  created_by TEXT REFERENCES api_keys (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT,
  UNIQUE (owner, name, version)
);
INSERT INTO schemas (id, name, description, schema_definition, version, is_public, created_by, created_at,
                     updated_at, deleted_at)
  SELECT id, name, description, schema_definition, version, is_public, created_by, created_at, updated_at, deleted_at
  FROM schemas_before;
CREATE TABLE prompt_templates (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  description TEXT,
  template_text TEXT NOT NULL,
  parameters TEXT NOT NULL DEFAULT '[]',
  example_usage TEXT,
  schema_id TEXT REFERENCES schemas (id),
  is_public INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (owner, name)
);
INSERT INTO prompt_templates (id, name, description, template_text, parameters, example_usage, schema_id, is_public,
                              created_at, updated_at)
  SELECT id, name, description, template_text, parameters, example_usage, schema_id, is_public, created_at, updated_at
  FROM prompt_templates_before;
DROP TABLE prompt_templates_before;
DROP TABLE schemas_before;
