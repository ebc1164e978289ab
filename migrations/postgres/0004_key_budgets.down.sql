DROP INDEX usage_ledger_key_created;
ALTER TABLE api_keys DROP COLUMN monthly_budget_nanousd;
ALTER TABLE api_keys DROP COLUMN daily_budget_nanousd;
