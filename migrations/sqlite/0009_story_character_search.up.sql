-- Story search by character through an FTS5 trigram index of the characters instead of
-- reading every story: it answers `LIKE '%name%'` for a name of three characters or more
-- (shorter ones read every name, as before). External content: the index keeps only
-- trigrams, the names stay in `stories`; triggers keep it in the writing transaction.
CREATE VIRTUAL TABLE story_characters USING fts5(
  combined_characters, content = 'stories', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO story_characters (story_characters) VALUES ('rebuild');
CREATE TRIGGER story_characters_in AFTER INSERT ON stories BEGIN
  INSERT INTO story_characters (rowid, combined_characters) VALUES (NEW.id, NEW.combined_characters);
END;
CREATE TRIGGER story_characters_out AFTER DELETE ON stories BEGIN
  INSERT INTO story_characters (story_characters, rowid, combined_characters)
    VALUES ('delete', OLD.id, OLD.combined_characters);
END;
CREATE TRIGGER story_characters_changed AFTER UPDATE OF combined_characters ON stories BEGIN
  INSERT INTO story_characters (story_characters, rowid, combined_characters)
    VALUES ('delete', OLD.id, OLD.combined_characters);
  INSERT INTO story_characters (rowid, combined_characters) VALUES (NEW.id, NEW.combined_characters);
END;
