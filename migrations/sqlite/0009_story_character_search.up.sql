-- A trigram index for story search by character, on PostgreSQL only (pg_trgm). SQLite keeps
-- its scan: its LIKE cannot use an index for a pattern that starts with '%'.
SELECT 1;
