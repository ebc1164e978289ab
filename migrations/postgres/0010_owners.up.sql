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

ALTER TABLE usage_daily ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_pkey;
ALTER TABLE usage_daily ADD PRIMARY KEY (owner, day, framework);

ALTER TABLE schemas ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE schemas DROP CONSTRAINT schemas_name_version_key;
ALTER TABLE schemas ADD CONSTRAINT schemas_owner_name_version_key UNIQUE (owner, name, version);
ALTER TABLE prompt_templates ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE prompt_templates DROP CONSTRAINT prompt_templates_name_key;
ALTER TABLE prompt_templates ADD CONSTRAINT prompt_templates_owner_name_key UNIQUE (owner, name);

-- Story counts per owner and framework (every story so far is the empty owner's: the counts
-- stay right as they are). The triggers of 0008 call this function: replacing it is enough.
ALTER TABLE story_counts ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE story_counts DROP CONSTRAINT story_counts_pkey;
ALTER TABLE story_counts ADD PRIMARY KEY (owner, method);
CREATE OR REPLACE FUNCTION count_stories() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE story_counts SET stories = story_counts.stories - gone.n
      FROM (SELECT owner, method, COUNT(*) AS n FROM removed GROUP BY owner, method) AS gone
      WHERE story_counts.owner = gone.owner AND story_counts.method = gone.method;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO story_counts (owner, method, stories)
      SELECT owner, method, COUNT(*) FROM added GROUP BY owner, method
      ON CONFLICT (owner, method) DO UPDATE SET stories = story_counts.stories + EXCLUDED.stories;
  END IF;
  RETURN NULL;
END $$;
