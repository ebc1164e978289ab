-- The extension stays: other schemas of the database may use it.
DROP INDEX IF EXISTS stories_characters_trigram;
