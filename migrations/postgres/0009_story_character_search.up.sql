-- Searching stories by character (`LOWER(combined_characters) LIKE '%name%'`) through a
-- trigram index instead of reading every story. pg_trgm ships with PostgreSQL and is a
-- trusted extension (any user who may create in the database may add it), but a server
-- without it, or a role refused it, must still start: the step then warns and leaves the
-- search as it was.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX stories_characters_trigram ON stories USING gin (LOWER(combined_characters) gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'no trigram index for story search by character (%): it reads every story', SQLERRM;
END $$;
