#pragma once
// Keeps principals within their USD budgets per UTC day and month. Every LLM call made for one
// — the gateway's, each framework step and each item of a batch, streamed or not — first
// reserves its worst case (`reserve`, from its output cap and its model's price), which counts
// as spent until the call settles to what it really cost (`BudgetHold`); a call that does not
// fit beside what is spent and what the calls in flight hold is refused. So calls running at
// once cannot pass a budget together, by more than what an upstream bills past a call's cap.
//
// A principal is an API key (its budgets are stored with it) or a JWT subject ("jwt:…", the
// configured budgets.jwt_*). Its spend is read from the usage ledger, kept current in memory
// from the calls this instance prices, and read again every few seconds, so calls made by
// other instances on the same store count too. With Redis, the instances also keep each
// principal's spend and reservations of the day and month in shared counters: one script adds
// a reservation (INCRBY) only when it fits, and a settle adds the difference between the real
// cost and the reservation, so instances never pass a budget together either.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <tl/expected.hpp>

#include <switchboard/plugin/middleware.hpp>

namespace switchboard {

namespace redis {
class Pool;
}

// Nano-USD; 0: no budget for the period.
struct BudgetLimits {
  std::int64_t daily = 0;
  std::int64_t monthly = 0;
};

// Where a guard reads budgets and spend: the store (StoredBudgets), or a fake in tests.
class BudgetSource {
 public:
  virtual ~BudgetSource() = default;
  virtual BudgetLimits limits(const std::string& principal) = 0;
  // What `principal` spent from `since` (ISO-8601 UTC) on, every call priced so far included.
  virtual std::int64_t spent_since(const std::string& principal, const std::string& since) = 0;
};

class BudgetGuard;

// One call's reservation. Its attempts are charged as they are priced; when the last owner
// lets it go, the reservation gives way to what was charged (nothing, for a call that failed).
class BudgetHold {
 public:
  BudgetHold(const BudgetHold&) = delete;
  BudgetHold& operator=(const BudgetHold&) = delete;
  ~BudgetHold();

  // The real cost of one attempt of the call.
  void charge(std::int64_t nanousd);
  std::int64_t reserved() const { return reserved_; }
  std::int64_t charged() const { return charged_.load(); }

 private:
  friend class BudgetGuard;
  BudgetHold(std::shared_ptr<BudgetGuard> guard, std::string principal, std::string day, std::string month,
             std::int64_t reserved, bool shared)
      : guard_(std::move(guard)),
        principal_(std::move(principal)),
        day_(std::move(day)),
        month_(std::move(month)),
        reserved_(reserved),
        shared_(shared) {}

  std::shared_ptr<BudgetGuard> guard_;
  std::string principal_;
  std::string day_;  // the periods the reservation was counted in
  std::string month_;
  std::int64_t reserved_;
  bool shared_;  // also counted in the Redis counters
  std::atomic<std::int64_t> charged_{0};
};

class BudgetGuard : public std::enable_shared_from_this<BudgetGuard> {
 public:
  // `redis_url`: the shared counters (empty: none). Make it with std::make_shared.
  explicit BudgetGuard(std::unique_ptr<BudgetSource> source, const std::string& redis_url = "");
  ~BudgetGuard();

  // Reserves `worst_case` nano-USD of `principal`'s budgets for one call: the hold (null when
  // the principal has no budget), or the 402 refusal with the figures when the call does not
  // fit — spent + reserved by calls in flight + `worst_case` would pass a budget.
  tl::expected<std::shared_ptr<BudgetHold>, plugin::MiddlewareReply> reserve(const std::string& principal,
                                                                             std::int64_t worst_case);

 private:
  friend class BudgetHold;
  struct Spend {
    std::string day;    // YYYY-MM-DD the figures are of
    std::string month;  // YYYY-MM
    std::int64_t day_nanousd = 0;
    std::int64_t month_nanousd = 0;
    std::int64_t day_reserved = 0;  // by this instance's calls in flight
    std::int64_t month_reserved = 0;
    BudgetLimits limits;
    std::chrono::steady_clock::time_point read_at;
  };
  Spend& current(const std::string& principal, std::chrono::system_clock::time_point now);
  // Adds the reservation to the shared counters when it fits there: nothing when it does, the
  // counters' figures (spend and reservations of every instance) when it does not; nothing
  // either when Redis does not answer (this instance's figures count then).
  std::optional<std::pair<std::int64_t, std::int64_t>> reserve_shared(const std::string& principal, const Spend& spend,
                                                                      std::int64_t amount, bool& shared);
  void add_shared(const std::string& principal, const std::string& day, const std::string& month, std::int64_t delta);
  void charge(const BudgetHold& hold, std::int64_t nanousd);
  void settle(const BudgetHold& hold);
  std::string counter(const std::string& principal, const std::string& period) const;

  std::unique_ptr<BudgetSource> source_;
  std::mutex mutex_;
  std::unordered_map<std::string, Spend> principals_;
  std::unique_ptr<redis::Pool> redis_;  // null: no shared counters
};

}  // namespace switchboard
