-- Back to one namespace: fails while two owners keep a schema or template of the same name
-- (rename or delete one first), rather than dropping either.
CREATE OR REPLACE FUNCTION count_stories() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE story_counts SET stories = story_counts.stories - gone.n
      FROM (SELECT method, COUNT(*) AS n FROM removed GROUP BY method) AS gone
      WHERE story_counts.method = gone.method;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO story_counts (method, stories) SELECT method, COUNT(*) FROM added GROUP BY method
      ON CONFLICT (method) DO UPDATE SET stories = story_counts.stories + EXCLUDED.stories;
  END IF;
  RETURN NULL;
END $$;
-- The counts are taken again; writers of stories wait until this step commits, so the
-- count misses none.
LOCK TABLE stories IN SHARE MODE;
DELETE FROM story_counts;
ALTER TABLE story_counts DROP CONSTRAINT story_counts_pkey;
ALTER TABLE story_counts DROP COLUMN owner;
ALTER TABLE story_counts ADD PRIMARY KEY (method);
INSERT INTO story_counts (method, stories) SELECT method, COUNT(*) FROM stories GROUP BY method;

ALTER TABLE prompt_templates DROP CONSTRAINT prompt_templates_owner_name_key;
ALTER TABLE prompt_templates ADD CONSTRAINT prompt_templates_name_key UNIQUE (name);
ALTER TABLE prompt_templates DROP COLUMN owner;
ALTER TABLE schemas DROP CONSTRAINT schemas_owner_name_version_key;
ALTER TABLE schemas ADD CONSTRAINT schemas_name_version_key UNIQUE (name, version);
ALTER TABLE schemas DROP COLUMN owner;

CREATE TABLE usage_daily_shared AS
  SELECT day, framework, SUM(requests)::BIGINT AS requests, SUM(tokens)::BIGINT AS tokens,
         SUM(cost_nanousd)::BIGINT AS cost_nanousd
  FROM usage_daily GROUP BY day, framework;
DELETE FROM usage_daily;
ALTER TABLE usage_daily DROP CONSTRAINT usage_daily_pkey;
ALTER TABLE usage_daily DROP COLUMN owner;
ALTER TABLE usage_daily ADD PRIMARY KEY (day, framework);
INSERT INTO usage_daily (day, framework, requests, tokens, cost_nanousd)
  SELECT day, framework, requests, tokens, cost_nanousd FROM usage_daily_shared;
DROP TABLE usage_daily_shared;

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
