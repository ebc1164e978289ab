-- Spending limits per API key (issue #6): USD budgets per UTC day and month, kept in
-- nano-USD like the ledger's costs; NULL means no limit. The ledger index makes a key's
-- spend since the start of its period one index range.
ALTER TABLE api_keys ADD COLUMN daily_budget_nanousd BIGINT;
ALTER TABLE api_keys ADD COLUMN monthly_budget_nanousd BIGINT;
CREATE INDEX usage_ledger_key_created ON usage_ledger (api_key_id, created_at);
