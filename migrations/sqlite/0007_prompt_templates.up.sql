-- Prompt templates (seed 001): named text with {param} placeholders, the names it takes, an
-- example, and optionally the stored schema (one version of it) its answers follow. Schemas
-- get a soft delete: deleting a name hides all its versions but keeps the rows, so a
-- template that links one keeps working and version numbers are never reused.
CREATE TABLE prompt_templates (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  template_text TEXT NOT NULL,
  parameters TEXT NOT NULL DEFAULT '[]',
  example_usage TEXT,
  schema_id TEXT REFERENCES schemas (id),
  is_public INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
ALTER TABLE schemas ADD COLUMN deleted_at TEXT;
