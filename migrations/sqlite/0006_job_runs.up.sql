-- Jobs that survive restarts (issue #7): a running job's worker touches heartbeat_at; a job
-- whose heartbeat stopped (its process died) is taken up again by any instance, and fails once
-- it has been started max_attempts times. Webhook deliveries are counted the same way, so a
-- restart resumes them too.
ALTER TABLE jobs ADD COLUMN heartbeat_at TEXT;
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN webhook_attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_webhook_status ON jobs (webhook_status);
