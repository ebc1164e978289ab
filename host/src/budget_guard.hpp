#pragma once
// Keeps API keys within their USD budgets per UTC day and month. Checked before every LLM
// call made for a key — the gateway's and each framework step, streamed or not. A key's
// spend is read from the usage ledger, kept current in memory from the calls this instance
// prices (the ledger itself is written a moment later, in batches), and read again every few
// seconds, so calls made by other instances on the same store count too.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <switchboard/plugin/middleware.hpp>
#include <switchboard/storage/usage_ledger.hpp>

namespace switchboard {

class BudgetGuard {
 public:
  // `flush_ledger` returns once every ledger entry recorded so far is stored.
  BudgetGuard(storage::Database& database, std::function<void()> flush_ledger);

  // Every priced call, before its entry goes to the ledger writer.
  void record(const storage::LedgerEntry& entry);
  // Nothing when `api_key_id` may spend; else the 402 refusal with the figures.
  std::optional<plugin::MiddlewareReply> check(const std::string& api_key_id);

 private:
  struct Spend {
    std::string day;    // YYYY-MM-DD the figures are of
    std::string month;  // YYYY-MM
    std::int64_t day_nanousd = 0;
    std::int64_t month_nanousd = 0;
    std::int64_t daily_budget = 0;  // 0: none
    std::int64_t monthly_budget = 0;
    std::chrono::steady_clock::time_point read_at;
  };
  Spend& current(const std::string& api_key_id, std::chrono::system_clock::time_point now);

  storage::Database& database_;
  std::function<void()> flush_ledger_;
  std::mutex mutex_;
  std::unordered_map<std::string, Spend> keys_;
};

}  // namespace switchboard
