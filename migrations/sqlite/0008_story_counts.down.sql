DROP TRIGGER stories_recounted;
DROP TRIGGER stories_counted_out;
DROP TRIGGER stories_counted_in;
DROP TABLE story_counts;
