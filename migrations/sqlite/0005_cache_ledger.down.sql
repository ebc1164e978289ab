ALTER TABLE usage_ledger DROP COLUMN avoided_cost_nanousd;
ALTER TABLE usage_ledger DROP COLUMN cache_hit;
