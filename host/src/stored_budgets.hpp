#pragma once
// The budgets a BudgetGuard holds calls to, as the store keeps them: an API key's are stored
// with the key; a JWT subject (its owner, "jwt:<iss>:<sub>": billed_principal) has the
// configured ones. Spend is read from the usage ledger (a key's calls, or the subject's as
// their owner) once what the ledger writer holds is stored.

#include <functional>

#include <switchboard/storage/database.hpp>

#include "budget_guard.hpp"

namespace switchboard {

class StoredBudgets final : public BudgetSource {
 public:
  // `flush_ledger` returns once every ledger entry recorded so far is stored.
  StoredBudgets(storage::Database& database, std::function<void()> flush_ledger, BudgetLimits jwt)
      : database_(database), flush_ledger_(std::move(flush_ledger)), jwt_(jwt) {}

  BudgetLimits limits(const std::string& principal) override;
  std::int64_t spent_since(const std::string& principal, const std::string& since) override;

 private:
  storage::Database& database_;
  std::function<void()> flush_ledger_;
  BudgetLimits jwt_;
};

}  // namespace switchboard
