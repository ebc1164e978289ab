DROP INDEX jobs_webhook_status;
ALTER TABLE jobs DROP COLUMN webhook_attempts;
ALTER TABLE jobs DROP COLUMN attempts;
ALTER TABLE jobs DROP COLUMN heartbeat_at;
