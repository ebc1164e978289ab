-- Uploaded context files (seed 000's context API): the text extracted from each, which
-- POST /api/context/execute puts before the prompts. Ids are "ctx_" and 32 hex digits, made
-- by the host, so they cannot be guessed from one another. Kept for retention.context_days.
CREATE TABLE context_files (
  id TEXT PRIMARY KEY,
  filename TEXT NOT NULL,
  file_type TEXT NOT NULL,
  file_size_bytes BIGINT NOT NULL,
  content TEXT NOT NULL,
  processed_content_length BIGINT NOT NULL,
  processing_time_ms DOUBLE PRECISION NOT NULL,
  request_id TEXT,
  transaction_guid TEXT,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX context_files_created ON context_files (created_at);
