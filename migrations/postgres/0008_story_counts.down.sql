DROP TRIGGER stories_recounted ON stories;
DROP TRIGGER stories_counted_out ON stories;
DROP TRIGGER stories_counted_in ON stories;
DROP FUNCTION count_stories();
DROP TABLE story_counts;
