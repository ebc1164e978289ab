#pragma once
// Keeps API keys within their USD budgets per UTC day and month. Checked before every LLM
// call made for a key — the gateway's and each framework step, streamed or not. A key's
// spend is read from the usage ledger, kept current in memory from the calls this instance
// prices (the ledger itself is written a moment later, in batches), and read again every few
// seconds, so calls made by other instances on the same store count too. With Redis, the
// instances also keep each key's spend of the day and month in shared counters, so a key
// spending on several instances at once is stopped as soon as the sum passes its budget.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <switchboard/plugin/middleware.hpp>
#include <switchboard/storage/usage_ledger.hpp>

namespace switchboard {

namespace redis {
class Pool;
}

class BudgetGuard {
 public:
  // `flush_ledger` returns once every ledger entry recorded so far is stored. `redis_url`:
  // the shared counters (empty: none).
  BudgetGuard(storage::Database& database, std::function<void()> flush_ledger, const std::string& redis_url = "");
  ~BudgetGuard();

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
  // The shared counters' figures in place of this instance's, when Redis answers.
  void read_shared(const std::string& api_key_id, Spend& spend);
  std::string counter(const std::string& api_key_id, const std::string& period) const;

  storage::Database& database_;
  std::function<void()> flush_ledger_;
  std::mutex mutex_;
  std::unordered_map<std::string, Spend> keys_;
  std::unique_ptr<redis::Pool> redis_;  // null: no shared counters
};

}  // namespace switchboard
