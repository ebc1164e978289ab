-- How many stories each framework has, kept by triggers in the writing transaction, so the
-- story list's `total` is a few rows to read instead of a count of the whole table. The
-- triggers run once per statement on its transition table: a bulk delete (retention, DELETE
-- /api/stories) updates each framework's row once, not once per story.
CREATE TABLE story_counts (
  method TEXT PRIMARY KEY,
  stories BIGINT NOT NULL
);
CREATE FUNCTION count_stories() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- Instances of an older version may be writing stories now: creating the triggers locks them
-- out until this step commits, so the count taken below misses none.
CREATE TRIGGER stories_counted_in AFTER INSERT ON stories
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION count_stories();
CREATE TRIGGER stories_counted_out AFTER DELETE ON stories
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION count_stories();
CREATE TRIGGER stories_recounted AFTER UPDATE ON stories
  REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION count_stories();
INSERT INTO story_counts (method, stories) SELECT method, COUNT(*) FROM stories GROUP BY method;
