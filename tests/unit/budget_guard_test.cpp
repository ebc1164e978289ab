// The arithmetic of budget reservations, with a fake store: a call reserves its worst case,
// refused when spent + reserved + it would pass the budget; a hold settles to what was charged
// (nothing, for a failed call); the figures are read from the store, reservations kept across
// a re-read. And the worst case itself: the prompt's estimate and the output cap at the price.
#include <gtest/gtest.h>

#include <map>

#include "budget_guard.hpp"
#include "call_pricing.hpp"

namespace switchboard {
namespace {

class FakeBudgets final : public BudgetSource {
 public:
  std::map<std::string, BudgetLimits> limits_of;
  std::map<std::string, std::int64_t> spent;  // what the "ledger" holds, whatever the period
  BudgetLimits limits(const std::string& principal) override { return limits_of[principal]; }
  std::int64_t spent_since(const std::string& principal, const std::string&) override { return spent[principal]; }
};

struct Fixture {
  FakeBudgets* source;
  std::shared_ptr<BudgetGuard> guard;
};

Fixture make_guard(BudgetLimits limits, std::int64_t spent = 0) {
  auto source = std::make_unique<FakeBudgets>();
  source->limits_of["key-1"] = limits;
  source->spent["key-1"] = spent;
  auto* raw = source.get();
  return {raw, std::make_shared<BudgetGuard>(std::move(source))};
}

TEST(BudgetGuard, APrincipalWithoutABudgetHoldsNothing) {
  auto [source, guard] = make_guard({});
  auto held = guard->reserve("key-1", 1'000'000'000);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(*held, nullptr);
}

TEST(BudgetGuard, ReservationsInFlightCountAgainstTheBudget) {
  auto [source, guard] = make_guard({1000, 0});
  auto first = guard->reserve("key-1", 400);
  auto second = guard->reserve("key-1", 400);
  ASSERT_TRUE(first && *first);
  ASSERT_TRUE(second && *second);
  // 800 held: a third of 400 would pass 1000, one of 200 fits exactly.
  auto third = guard->reserve("key-1", 400);
  ASSERT_FALSE(third.has_value());
  EXPECT_EQ(third.error().status, 402);
  EXPECT_EQ(third.error().code, "BUDGET_EXCEEDED");
  EXPECT_EQ(third.error().details["period"], "daily");
  EXPECT_DOUBLE_EQ(third.error().details["spent_usd"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(third.error().details["reserved_usd"].get<double>(), 800e-9);
  EXPECT_DOUBLE_EQ(third.error().details["call_max_usd"].get<double>(), 400e-9);
  auto exact = guard->reserve("key-1", 200);
  ASSERT_TRUE(exact && *exact);
  EXPECT_FALSE(guard->reserve("key-1", 1).has_value());
}

TEST(BudgetGuard, AHoldSettlesToWhatWasChargedAndAFailedCallReleasesAll) {
  auto [source, guard] = make_guard({1000, 0});
  {
    auto held = guard->reserve("key-1", 600);
    ASSERT_TRUE(held && *held);
    (*held)->charge(100);
    (*held)->charge(50);  // a second attempt (a retry)
    EXPECT_EQ((*held)->charged(), 150);
    EXPECT_FALSE(guard->reserve("key-1", 300).has_value());  // 150 spent + 600 held + 300
  }
  {
    auto failed = guard->reserve("key-1", 850);  // 150 spent: 850 fits exactly
    ASSERT_TRUE(failed && *failed);
  }  // failed: charged nothing, releases all
  auto after = guard->reserve("key-1", 850);
  ASSERT_TRUE(after && *after);
  (*after)->charge(850);
  after->reset();
  auto spent = guard->reserve("key-1", 0);
  ASSERT_FALSE(spent.has_value());  // 1000 of 1000: not even a free call
  EXPECT_DOUBLE_EQ(spent.error().details["spent_usd"].get<double>(), 1000e-9);
  EXPECT_NE(spent.error().message.find("is spent"), std::string::npos) << spent.error().message;
}

TEST(BudgetGuard, TheMonthlyBudgetHoldsToo) {
  auto [source, guard] = make_guard({0, 500}, 300);
  auto refused = guard->reserve("key-1", 201);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().details["period"], "monthly");
  EXPECT_DOUBLE_EQ(refused.error().details["spent_usd"].get<double>(), 300e-9);
  EXPECT_TRUE(guard->reserve("key-1", 200).has_value());
}

TEST(BudgetGuard, SpendIsReadFromTheStoreAndEachPrincipalHasItsOwn) {
  auto [source, guard] = make_guard({1000, 0}, 900);
  source->limits_of["jwt:alice"] = {1000, 0};
  EXPECT_FALSE(guard->reserve("key-1", 101).has_value());
  auto alice = guard->reserve("jwt:alice", 1000);
  ASSERT_TRUE(alice && *alice);
}

TEST(WorstCaseCost, ThePromptsEstimateAndTheOutputCapAtThePrice) {
  // $1 per million input tokens and $10 per million output tokens, in nano-USD per token.
  class Prices final : public plugin::CostModel {
   public:
    std::optional<plugin::Price> price(std::string_view model, const plugin::Usage& usage) const override {
      if (model != "priced") return std::nullopt;
      return plugin::Price{usage.input_tokens * 1000 + usage.output_tokens * 10'000, 1'000'000, 10'000'000, 0};
    }
  } prices;
  plugin::ChatRequest request;
  request.messages = {{"system", std::string(40, 's'), ""}, {"user", std::string(400, 'u'), ""}};
  // (10 + 4) + (100 + 4) input tokens; 1024 output tokens when the request sets no cap.
  EXPECT_EQ(worst_case_cost(prices, "priced", request, 1024), 118 * 1000 + 1024 * 10'000);
  request.max_tokens = 16;
  EXPECT_EQ(worst_case_cost(prices, "priced", request, 1024), 118 * 1000 + 16 * 10'000);
  request.max_tokens.reset();
  request.extra = {{"max_completion_tokens", 32}};
  EXPECT_EQ(output_cap(request), 32);
  EXPECT_EQ(worst_case_cost(prices, "priced", request, 1024), 118 * 1000 + 32 * 10'000);
  EXPECT_EQ(worst_case_cost(prices, "unknown", request, 1024), 0);  // priced 0 in the ledger too
}

}  // namespace
}  // namespace switchboard
