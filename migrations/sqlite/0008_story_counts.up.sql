-- How many stories each framework has, kept by triggers in the writing transaction, so the
-- story list's `total` is a few rows to read instead of a count of the whole table.
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
