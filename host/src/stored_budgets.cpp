#include "stored_budgets.hpp"

#include <switchboard/storage/api_keys.hpp>
#include <switchboard/storage/usage_ledger.hpp>

#include "llm_call_gate.hpp"

namespace switchboard {

BudgetLimits StoredBudgets::limits(const std::string& principal) {
  if (principal.starts_with(kJwtPrincipalPrefix)) return jwt_;
  auto key = storage::ApiKeyRepository(database_).find_by_id(principal);
  if (!key) return {};
  return {key->daily_budget_nanousd, key->monthly_budget_nanousd};
}

std::int64_t StoredBudgets::spent_since(const std::string& principal, const std::string& since) {
  flush_ledger_();  // what this instance has priced is in the ledger before it is read
  storage::UsageLedger ledger(database_);
  if (principal.starts_with(kJwtPrincipalPrefix)) return ledger.spent_by_owner(principal, since);
  return ledger.spent_by_key(principal, since);
}

}  // namespace switchboard
