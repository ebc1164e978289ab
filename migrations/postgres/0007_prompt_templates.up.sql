-- Prompt templates (seed 001): named text with {param} placeholders, the names it takes, an
-- example, and optionally the stored schema (one version of it) its answers follow. Schemas
-- get a soft delete: deleting a name hides all its versions but keeps the rows, so a
-- template that links one keeps working and version numbers are never reused.
CREATE TABLE prompt_templates (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  template_text TEXT NOT NULL,
  parameters JSONB NOT NULL DEFAULT '[]',
  example_usage JSONB,
  schema_id TEXT REFERENCES schemas (id),
  is_public BOOLEAN NOT NULL DEFAULT false,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
ALTER TABLE schemas ADD COLUMN deleted_at TIMESTAMPTZ;
