ALTER TABLE schemas DROP COLUMN deleted_at;
DROP TABLE prompt_templates;
