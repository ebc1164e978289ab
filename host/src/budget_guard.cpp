#include "budget_guard.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <redis/redis_pool.hpp>

#include <switchboard/log.hpp>

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

// Adds ARGV[1] (negative too) to each counter that exists: one is made by a reservation,
// from the ledger, so that it holds the period's whole spend, not only what came after it.
const std::string kAddToExisting =
    "for i, key in ipairs(KEYS) do if redis.call('EXISTS', key) == 1 then redis.call('INCRBY', key, ARGV[1]) end "
    "end return 1";

// KEYS: the day's and the month's counter. ARGV: what each starts from when missing (this
// instance's view), the reservation, the daily and monthly budgets (0: none). Adds the
// reservation to both when it fits both; returns {fits, day, month} (before it, when not).
// SET NX keeps the first instance's start when several make a counter at once.
const std::string kReserve =
    "redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', 172800) "
    "redis.call('SET', KEYS[2], ARGV[2], 'NX', 'EX', 2764800) "
    "local day = tonumber(redis.call('GET', KEYS[1])) "
    "local month = tonumber(redis.call('GET', KEYS[2])) "
    "local amount = tonumber(ARGV[3]) "
    "local daily, monthly = tonumber(ARGV[4]), tonumber(ARGV[5]) "
    "if (daily > 0 and (day >= daily or day + amount > daily)) or "
    "   (monthly > 0 and (month >= monthly or month + amount > monthly)) then return {0, day, month} end "
    "return {1, redis.call('INCRBY', KEYS[1], amount), redis.call('INCRBY', KEYS[2], amount)}";

// Whether one more call reserving `amount` fits a period's budget beside `held` (spent and
// reserved): never once the budget is used up, even by a call priced at nothing.
bool fits(std::int64_t held, std::int64_t amount, std::int64_t budget) {
  return budget <= 0 || (held < budget && held + amount <= budget);
}

// The 402 of a call that does not fit `period`'s budget.
plugin::MiddlewareReply refusal(const char* period, const std::string& day, std::int64_t budget, std::int64_t spent,
                                std::int64_t reserved, std::int64_t amount) {
  plugin::MiddlewareReply reply;
  reply.status = 402;
  reply.code = "BUDGET_EXCEEDED";
  if (spent >= budget) {
    reply.message = std::string("the ") + period + " budget is spent: " + dollars(spent) + " of " + dollars(budget);
  } else {
    reply.message = std::string("this call may cost up to ") + dollars(amount) + ", more than is left of the " +
                    period + " budget: " + dollars(spent) + " spent and " + dollars(reserved) +
                    " held by calls in flight, of " + dollars(budget) + " (a lower max_tokens may fit)";
  }
  reply.details = {{"period", period},
                   {"budget_usd", usd(budget)},
                   {"spent_usd", usd(spent)},
                   {"reserved_usd", usd(reserved)},
                   {"call_max_usd", usd(amount)},
                   {"resets_at", next_period(day, std::string(period) == "monthly")}};
  return reply;
}

}  // namespace

BudgetHold::~BudgetHold() { guard_->settle(*this); }

void BudgetHold::charge(std::int64_t nanousd) {
  if (nanousd <= 0) return;
  charged_ += nanousd;
  guard_->charge(*this, nanousd);
}

BudgetGuard::BudgetGuard(std::unique_ptr<BudgetSource> source, const std::string& redis_url)
    : source_(std::move(source)) {
  if (redis_url.empty()) return;
  auto address = redis::parse_url(redis_url);
  if (!address) throw std::invalid_argument("budgets: " + address.error());
  redis_ = std::make_unique<redis::Pool>(*address, std::chrono::milliseconds(200));
}

BudgetGuard::~BudgetGuard() = default;

std::string BudgetGuard::counter(const std::string& principal, const std::string& period) const {
  return std::string(kCounterPrefix) + principal + ":" + period;
}

BudgetGuard::Spend& BudgetGuard::current(const std::string& principal, std::chrono::system_clock::time_point now) {
  const std::string day = utc_date(now);
  const auto steady = std::chrono::steady_clock::now();
  auto [spend, added] = principals_.try_emplace(principal);
  if (!added && spend->second.day == day && steady - spend->second.read_at < kReadAgainAfter) return spend->second;
  Spend fresh;
  fresh.day = day;
  fresh.month = day.substr(0, 7);
  fresh.read_at = steady;
  fresh.limits = source_->limits(principal);
  // What this instance's calls in flight hold stays held, in the periods they were held in.
  if (spend->second.day == fresh.day) fresh.day_reserved = spend->second.day_reserved;
  if (spend->second.month == fresh.month) fresh.month_reserved = spend->second.month_reserved;
  if (fresh.limits.daily > 0 || fresh.limits.monthly > 0) {
    fresh.day_nanousd = source_->spent_since(principal, day + "T00:00:00.000000Z");
    fresh.month_nanousd = source_->spent_since(principal, fresh.month + "-01T00:00:00.000000Z");
  }
  spend->second = fresh;
  return spend->second;
}

std::optional<std::pair<std::int64_t, std::int64_t>> BudgetGuard::reserve_shared(const std::string& principal,
                                                                                 const Spend& spend,
                                                                                 std::int64_t amount, bool& shared) {
  auto answer = redis_->run({"EVAL", kReserve, "2", counter(principal, spend.day), counter(principal, spend.month),
                             std::to_string(spend.day_nanousd + spend.day_reserved),
                             std::to_string(spend.month_nanousd + spend.month_reserved), std::to_string(amount),
                             std::to_string(spend.limits.daily), std::to_string(spend.limits.monthly)});
  if (!answer || (*answer)->type != REDIS_REPLY_ARRAY || (*answer)->elements != 3) {
    log().warn("budget counters unusable in Redis; this instance's figures count",
               {{"error", answer ? std::string("unexpected answer") : answer.error()}});
    return std::nullopt;
  }
  if (redis::as_integer((*answer)->element[0]) == 1) {
    shared = true;
    return std::nullopt;
  }
  return std::pair{redis::as_integer((*answer)->element[1]), redis::as_integer((*answer)->element[2])};
}

tl::expected<std::shared_ptr<BudgetHold>, plugin::MiddlewareReply> BudgetGuard::reserve(const std::string& principal,
                                                                                        std::int64_t worst_case) {
  worst_case = std::max<std::int64_t>(0, worst_case);
  std::lock_guard lock(mutex_);
  Spend& spend = current(principal, std::chrono::system_clock::now());
  const auto& limits = spend.limits;
  if (limits.daily <= 0 && limits.monthly <= 0) return nullptr;
  if (!fits(spend.day_nanousd + spend.day_reserved, worst_case, limits.daily)) {
    return tl::unexpected(refusal("daily", spend.day, limits.daily, spend.day_nanousd, spend.day_reserved, worst_case));
  }
  if (!fits(spend.month_nanousd + spend.month_reserved, worst_case, limits.monthly)) {
    return tl::unexpected(
        refusal("monthly", spend.day, limits.monthly, spend.month_nanousd, spend.month_reserved, worst_case));
  }
  bool shared = false;
  if (redis_) {
    if (auto counted = reserve_shared(principal, spend, worst_case, shared)) {
      // Every instance's spend and reservations: this instance's reservations apart, the rest
      // counts as spent.
      const auto [day, month] = *counted;
      if (!fits(day, worst_case, limits.daily)) {
        return tl::unexpected(
            refusal("daily", spend.day, limits.daily, day - spend.day_reserved, spend.day_reserved, worst_case));
      }
      return tl::unexpected(refusal("monthly", spend.day, limits.monthly, month - spend.month_reserved,
                                    spend.month_reserved, worst_case));
    }
  }
  spend.day_reserved += worst_case;
  spend.month_reserved += worst_case;
  return std::shared_ptr<BudgetHold>(
      new BudgetHold(shared_from_this(), principal, spend.day, spend.month, worst_case, shared));
}

void BudgetGuard::charge(const BudgetHold& hold, std::int64_t nanousd) {
  std::lock_guard lock(mutex_);
  auto found = principals_.find(hold.principal_);
  if (found == principals_.end()) return;
  // The period the cost falls in is the current one (the ledger dates it now, too).
  found->second.day_nanousd += nanousd;
  found->second.month_nanousd += nanousd;
}

void BudgetGuard::settle(const BudgetHold& hold) {
  std::string day, month;
  {
    std::lock_guard lock(mutex_);
    auto found = principals_.find(hold.principal_);
    if (found != principals_.end()) {
      Spend& spend = found->second;
      if (spend.day == hold.day_) spend.day_reserved -= hold.reserved_;
      if (spend.month == hold.month_) spend.month_reserved -= hold.reserved_;
      day = spend.day;
      month = spend.month;
    }
  }
  if (!redis_) return;
  // One step: the counters lose the reservation and gain the real cost. A hold Redis did not
  // count (it was unreachable) adds its cost to the counters of now.
  if (hold.shared_) {
    add_shared(hold.principal_, hold.day_, hold.month_, hold.charged() - hold.reserved_);
  } else if (hold.charged() > 0 && !day.empty()) {
    add_shared(hold.principal_, day, month, hold.charged());
  }
}

void BudgetGuard::add_shared(const std::string& principal, const std::string& day, const std::string& month,
                             std::int64_t delta) {
  if (delta == 0) return;
  auto added = redis_->run(
      {"EVAL", kAddToExisting, "2", counter(principal, day), counter(principal, month), std::to_string(delta)});
  if (!added) log().warn("budget counters not updated in Redis", {{"error", added.error()}});
}

}  // namespace switchboard
