#include "budget_guard.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <redis/redis_pool.hpp>

#include <switchboard/log.hpp>
#include <switchboard/storage/api_keys.hpp>

namespace switchboard {
namespace {

constexpr auto kReadAgainAfter = std::chrono::seconds(5);
constexpr const char* kCounterPrefix = "switchboard:budget:";

Logger& log() {
  static Logger logger("budget");
  return logger;
}

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

BudgetGuard::BudgetGuard(storage::Database& database, std::function<void()> flush_ledger, const std::string& redis_url)
    : database_(database), flush_ledger_(std::move(flush_ledger)) {
  if (redis_url.empty()) return;
  auto address = redis::parse_url(redis_url);
  if (!address) throw std::invalid_argument("budgets: " + address.error());
  redis_ = std::make_unique<redis::Pool>(*address, std::chrono::milliseconds(200));
}

BudgetGuard::~BudgetGuard() = default;

std::string BudgetGuard::counter(const std::string& api_key_id, const std::string& period) const {
  return std::string(kCounterPrefix) + api_key_id + ":" + period;
}

void BudgetGuard::record(const storage::LedgerEntry& entry) {
  if (entry.api_key_id.empty() || entry.cost_nanousd <= 0) return;
  std::string day, month;
  {
    std::lock_guard lock(mutex_);
    auto found = keys_.find(entry.api_key_id);
    if (found == keys_.end()) return;  // read from the ledger when first checked
    found->second.day_nanousd += entry.cost_nanousd;
    found->second.month_nanousd += entry.cost_nanousd;
    day = found->second.day;
    month = found->second.month;
  }
  if (!redis_) return;
  // Only counters that exist: one is made from the ledger (read_shared), so that it holds
  // the period's whole spend, not only what came after it.
  static const std::string kAddToExisting =
      "for i, key in ipairs(KEYS) do if redis.call('EXISTS', key) == 1 then redis.call('INCRBY', key, ARGV[1]) end "
      "end return 1";
  auto added = redis_->run({"EVAL", kAddToExisting, "2", counter(entry.api_key_id, day),
                            counter(entry.api_key_id, month), std::to_string(entry.cost_nanousd)});
  if (!added) log().warn("budget counters not updated in Redis", {{"error", added.error()}});
}

void BudgetGuard::read_shared(const std::string& api_key_id, Spend& spend) {
  const std::string day_key = counter(api_key_id, spend.day), month_key = counter(api_key_id, spend.month);
  // A missing counter starts from what the ledger says (this instance's view, at most a few
  // seconds old); SET NX keeps the first instance's start when several make it at once. One
  // round trip: this runs before every LLM call of a key with a budget.
  static const std::string kSeedAndRead =
      "redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', 172800) "
      "redis.call('SET', KEYS[2], ARGV[2], 'NX', 'EX', 2764800) "
      "return redis.call('MGET', KEYS[1], KEYS[2])";
  auto figures = redis_->run({"EVAL", kSeedAndRead, "2", day_key, month_key, std::to_string(spend.day_nanousd),
                              std::to_string(spend.month_nanousd)});
  if (!figures || (*figures)->type != REDIS_REPLY_ARRAY || (*figures)->elements != 2) {
    log().warn("budget counters unreadable in Redis; this instance's figures count", {});
    return;
  }
  spend.day_nanousd = std::max(spend.day_nanousd, redis::as_integer((*figures)->element[0]));
  spend.month_nanousd = std::max(spend.month_nanousd, redis::as_integer((*figures)->element[1]));
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
  Spend spend = current(api_key_id, std::chrono::system_clock::now());
  if (redis_ && (spend.daily_budget > 0 || spend.monthly_budget > 0)) read_shared(api_key_id, spend);
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
