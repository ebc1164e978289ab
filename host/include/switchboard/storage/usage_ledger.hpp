#pragma once
// The usage ledger: one row per LLM call the host made (gateway, framework steps, retries
// that reached a provider), with its tokens, cost and the prices used, and a roll-up per UTC
// day and framework kept in the same transaction, so usage reports read a handful of rows
// however long the ledger grows. Each call is its request's owner's (owner.hpp), and the
// reports show one owner's calls only.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct LedgerEntry {
  std::string request_id;
  std::string transaction_guid;
  std::string operation;  // chat_completion, story, chat, context, analyze, …
  std::string framework;  // the framework plugin, or "gateway"
  std::string provider;   // the provider instance
  std::string model;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cached_tokens = 0;
  std::int64_t cost_nanousd = 0;
  bool priced = true;  // false: no cost model knew the model (cost 0)
  std::int64_t input_price_per_mtok_microusd = 0;
  std::int64_t output_price_per_mtok_microusd = 0;
  std::int64_t cached_price_per_mtok_microusd = 0;
  double latency_ms = 0;
  std::string status = "ok";              // ok, or the failure's code
  bool cache_hit = false;                 // answered by the response cache: cost 0, no provider call
  std::int64_t avoided_cost_nanousd = 0;  // a cache hit: what the call it replaced cost
  std::string api_key_id;                 // empty when the call had none
  std::string owner;                      // whose request made the call
  std::string created_at;                 // utc_now() when empty
};

// A stored row, as the transactions report lists it.
struct LedgerRow {
  std::int64_t id = 0;
  LedgerEntry entry;
};

struct UsageTotals {
  std::int64_t requests = 0;
  std::int64_t tokens = 0;
  std::int64_t cost_nanousd = 0;
};

struct UsageReport {
  UsageTotals total;
  std::vector<std::pair<std::string, UsageTotals>> by_framework;  // by name
  std::vector<std::pair<std::string, UsageTotals>> by_day;        // YYYY-MM-DD, ascending
};

class UsageLedger {
 public:
  explicit UsageLedger(Database& database) : database_(database) {}

  // Appends `entries` and their roll-up in one transaction.
  void append(const std::vector<LedgerEntry>& entries);
  // `owner`'s calls of days `start`..`end` inclusive (YYYY-MM-DD, UTC); `framework` empty for all.
  UsageReport usage(const std::string& owner, const std::string& start, const std::string& end,
                    const std::string& framework);
  // `owner`'s newest `limit` rows, newest first; `framework` empty for all.
  std::vector<LedgerRow> transactions(const std::string& owner, int limit, const std::string& framework);
  // What the calls of API key `api_key_id` made at or after `since` (ISO-8601 UTC) cost.
  std::int64_t spent_by_key(const std::string& api_key_id, const std::string& since);
  // What `owner`'s calls made at or after `since` cost (a JWT subject's budget: owner.hpp).
  std::int64_t spent_by_owner(const std::string& owner, const std::string& since);

 private:
  // The cost of the calls whose `column` (a name of this class's, never input) is `value`.
  std::int64_t spent_since(const char* column, const std::string& value, const std::string& since);
  Database& database_;
};

}  // namespace switchboard::storage
