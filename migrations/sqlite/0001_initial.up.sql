-- The first schema: what the seeds keep (stories, chats, context executions, keys, jobs,
-- schemas) plus the usage ledger, its daily roll-up and audit events. Times are ISO-8601 UTC
-- text with microseconds (text order is time order); money is integer nano-dollars; prices
-- are micro-dollars per million tokens.

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  team TEXT,
  rate_limit_per_hour INTEGER NOT NULL DEFAULT 1000,
  is_active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  expires_at TEXT
);

CREATE TABLE stories (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  primary_character TEXT NOT NULL,
  secondary_character TEXT NOT NULL,
  combined_characters TEXT NOT NULL,
  story_content TEXT NOT NULL,
  method TEXT NOT NULL,
  provider TEXT,
  model TEXT,
  generation_time_ms REAL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  total_tokens INTEGER,
  cost_nanousd INTEGER,
  input_price_per_mtok_microusd INTEGER,
  output_price_per_mtok_microusd INTEGER,
  request_id TEXT,
  transaction_guid TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX stories_transaction_guid ON stories (transaction_guid);
CREATE INDEX stories_method_created ON stories (method, created_at);
CREATE INDEX stories_created ON stories (created_at);

CREATE TABLE chat_conversations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL,
  method TEXT NOT NULL,
  provider TEXT,
  model TEXT,
  transaction_guid TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX chat_conversations_transaction_guid ON chat_conversations (transaction_guid);
CREATE INDEX chat_conversations_updated ON chat_conversations (updated_at);

CREATE TABLE chat_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  generation_time_ms REAL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  total_tokens INTEGER,
  cost_nanousd INTEGER,
  input_price_per_mtok_microusd INTEGER,
  output_price_per_mtok_microusd INTEGER,
  request_id TEXT,
  transaction_guid TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX chat_messages_conversation_created ON chat_messages (conversation_id, created_at);
CREATE INDEX chat_messages_transaction_guid ON chat_messages (transaction_guid);
CREATE INDEX chat_messages_created ON chat_messages (created_at);

CREATE TABLE context_executions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  original_filename TEXT NOT NULL,
  file_type TEXT NOT NULL,
  file_size_bytes INTEGER NOT NULL,
  processed_content_length INTEGER,
  system_prompt TEXT NOT NULL,
  user_prompt TEXT NOT NULL,
  final_prompt_length INTEGER,
  llm_response TEXT,
  method TEXT NOT NULL,
  provider TEXT,
  model TEXT,
  file_processing_time_ms REAL,
  llm_execution_time_ms REAL,
  total_execution_time_ms REAL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  total_tokens INTEGER,
  cost_nanousd INTEGER,
  input_price_per_mtok_microusd INTEGER,
  output_price_per_mtok_microusd INTEGER,
  request_id TEXT,
  transaction_guid TEXT,
  user_ip TEXT,
  status TEXT NOT NULL DEFAULT 'completed',
  error_message TEXT,
  created_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX context_executions_transaction_guid ON context_executions (transaction_guid);
CREATE INDEX context_executions_created ON context_executions (created_at);

-- One row per LLM call that reached an upstream (or an in-process provider).
CREATE TABLE usage_ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT,
  transaction_guid TEXT,
  operation TEXT NOT NULL,
  framework TEXT,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cached_tokens INTEGER NOT NULL DEFAULT 0,
  cost_nanousd INTEGER NOT NULL DEFAULT 0,
  priced INTEGER NOT NULL DEFAULT 1,
  input_price_per_mtok_microusd INTEGER,
  output_price_per_mtok_microusd INTEGER,
  cached_price_per_mtok_microusd INTEGER,
  latency_ms REAL,
  status TEXT NOT NULL,
  api_key_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX usage_ledger_created ON usage_ledger (created_at);
CREATE INDEX usage_ledger_framework_created ON usage_ledger (framework, created_at);
CREATE INDEX usage_ledger_transaction_guid ON usage_ledger (transaction_guid);

-- Totals per UTC day and framework ('' for none), kept with each ledger write, so the usage
-- report reads a few rows however long the ledger grows.
CREATE TABLE usage_daily (
  day TEXT NOT NULL,
  framework TEXT NOT NULL,
  requests INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  cost_nanousd INTEGER NOT NULL,
  PRIMARY KEY (day, framework)
);

CREATE TABLE schemas (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  schema_definition TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  is_public INTEGER NOT NULL DEFAULT 0,
  created_by TEXT REFERENCES api_keys (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (name, version)
);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  api_key_id TEXT REFERENCES api_keys (id),
  job_type TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  request_params TEXT NOT NULL,
  result TEXT,
  error_message TEXT,
  webhook_url TEXT,
  webhook_status TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  expires_at TEXT
);
CREATE INDEX jobs_status_created ON jobs (status, created_at);
CREATE INDEX jobs_api_key ON jobs (api_key_id);
CREATE INDEX jobs_completed ON jobs (completed_at);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  action TEXT NOT NULL,
  actor TEXT,
  target TEXT,
  details TEXT,
  request_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX audit_events_created ON audit_events (created_at);
