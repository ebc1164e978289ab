DROP TRIGGER story_characters_changed;
DROP TRIGGER story_characters_out;
DROP TRIGGER story_characters_in;
DROP TABLE story_characters;
