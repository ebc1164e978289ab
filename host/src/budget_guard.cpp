#include "budget_guard.hpp"

#include <cstdio>
#include <ctime>

#include <switchboard/storage/api_keys.hpp>

namespace switchboard {
namespace {

constexpr auto kReadAgainAfter = std::chrono::seconds(5);

std::string utc_date(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return text;
}

// The first moment of the next UTC day or month, as ISO-8601.
std::string next_period(const std::string& day, bool monthly) {
  std::tm tm{};
  tm.tm_year = std::stoi(day.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(day.substr(5, 2)) - 1;
  tm.tm_mday = monthly ? 1 : std::stoi(day.substr(8, 2));
  if (monthly) {
    ++tm.tm_mon;
  } else {
    ++tm.tm_mday;
  }
  const std::time_t next = ::timegm(&tm);  // normalises 32 January and month 12
  return utc_date(std::chrono::system_clock::from_time_t(next)) + "T00:00:00Z";
}

double usd(std::int64_t nanousd) { return static_cast<double>(nanousd) / 1e9; }

std::string dollars(std::int64_t nanousd) {
  char text[32];
  std::snprintf(text, sizeof text, "$%.6f", usd(nanousd));
  return text;
}

}  // namespace

BudgetGuard::BudgetGuard(storage::Database& database, std::function<void()> flush_ledger)
    : database_(database), flush_ledger_(std::move(flush_ledger)) {}

void BudgetGuard::record(const storage::LedgerEntry& entry) {
  if (entry.api_key_id.empty() || entry.cost_nanousd <= 0) return;
  std::lock_guard lock(mutex_);
  auto found = keys_.find(entry.api_key_id);
  if (found == keys_.end()) return;  // read from the ledger when first checked
  found->second.day_nanousd += entry.cost_nanousd;
  found->second.month_nanousd += entry.cost_nanousd;
}

BudgetGuard::Spend& BudgetGuard::current(const std::string& api_key_id, std::chrono::system_clock::time_point now) {
  const std::string day = utc_date(now);
  const auto steady = std::chrono::steady_clock::now();
  auto [spend, added] = keys_.try_emplace(api_key_id);
  if (!added && spend->second.day == day && steady - spend->second.read_at < kReadAgainAfter) return spend->second;
  auto key = storage::ApiKeyRepository(database_).find_by_id(api_key_id);
  Spend fresh;
  fresh.day = day;
  fresh.month = day.substr(0, 7);
  fresh.read_at = steady;
  if (key) {
    fresh.daily_budget = key->daily_budget_nanousd;
    fresh.monthly_budget = key->monthly_budget_nanousd;
  }
  if (fresh.daily_budget > 0 || fresh.monthly_budget > 0) {
    flush_ledger_();  // what this instance has priced is in the ledger before it is read
    storage::UsageLedger ledger(database_);
    fresh.day_nanousd = ledger.spent_by_key(api_key_id, day + "T00:00:00.000000Z");
    fresh.month_nanousd = ledger.spent_by_key(api_key_id, fresh.month + "-01T00:00:00.000000Z");
  }
  spend->second = fresh;
  return spend->second;
}

std::optional<plugin::MiddlewareReply> BudgetGuard::check(const std::string& api_key_id) {
  std::lock_guard lock(mutex_);
  const Spend& spend = current(api_key_id, std::chrono::system_clock::now());
  auto over = [&](const char* period, std::int64_t spent,
                  std::int64_t budget) -> std::optional<plugin::MiddlewareReply> {
    if (budget <= 0 || spent < budget) return std::nullopt;
    plugin::MiddlewareReply reply;
    reply.status = 402;
    reply.code = "BUDGET_EXCEEDED";
    reply.message =
        std::string("the ") + period + " budget of this API key is spent: " + dollars(spent) + " of " + dollars(budget);
    reply.details = {{"period", period},
                     {"budget_usd", usd(budget)},
                     {"spent_usd", usd(spent)},
                     {"resets_at", next_period(spend.day, std::string(period) == "monthly")}};
    return reply;
  };
  if (auto refusal = over("daily", spend.day_nanousd, spend.daily_budget)) return refusal;
  return over("monthly", spend.month_nanousd, spend.monthly_budget);
}

}  // namespace switchboard
