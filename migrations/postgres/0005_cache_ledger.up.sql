-- The response cache (issue #7): a call answered from the cache is a ledger row of its own,
-- costing nothing, with what the provider call it replaced had cost — so the cost the cache
-- saved is in the ledger, not only in the cache's counters.
ALTER TABLE usage_ledger ADD COLUMN cache_hit BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE usage_ledger ADD COLUMN avoided_cost_nanousd BIGINT NOT NULL DEFAULT 0;
