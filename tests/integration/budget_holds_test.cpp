// Budgets that hold under concurrency, through the real binary and a fake upstream priced by
// a price table: 50 calls at once against a small daily budget (and the same with a slow
// upstream, and one batch of 100 prompts) end within one call's cost of the budget, because
// each call reserves its worst case before it leaves; the budget is still usable to its end
// once the calls have settled. A call without max_tokens is sent with the configured cap it
// reserved; JWT subjects have budgets of their own.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "../../plugins/middleware/auth/jwt.hpp"
#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

const std::string kSecret = "budget-test-secret-of-at-least-32-characters";

// $1 per million input tokens, $10 per million output tokens. The fake upstream bills every
// call 11 input and 7 output tokens: 81 000 nano-USD.
constexpr double kPerCall = 11 * 1e-6 + 7 * 1e-5;
// A call of kPrompt-sized prompts with max_tokens 16 reserves about 172 000 nano-USD.
constexpr double kWorstCase = 12 * 1e-6 + 16 * 1e-5;

class BudgetHolds : public ::testing::Test {
 protected:
  BudgetHolds() {
    std::ofstream(pricing_.path() / "pricing.yaml") << "models:\n"
                                                       "  echo: {input: 1.0, output: 10.0}\n"
                                                       "  slow-echo: {input: 1.0, output: 10.0}\n"
                                                       "  verbatim: {input: 1.0, output: 10.0}\n";
  }

  std::string config(const std::string& extra = "") const {
    return R"(
plugins:
  - {name: openai, file: providers/openai.so}
  - {name: price-table, file: cost/price-table.so, config: {pricing_file: )" +
           (pricing_.path() / "pricing.yaml").string() + R"(}}
  - {name: auth, file: middleware/auth.so}
middleware: [auth]
providers:
  - {name: fake, plugin: openai, base_url: )" +
           upstream_.base_url() + R"(, model: echo, models: [echo, slow-echo], cost_model: price-table}
  - {name: exact, plugin: openai, base_url: )" +
           upstream_.base_url() + R"(, model: verbatim, cost_model: price-table}
default_provider: fake
budgets: {default_max_tokens: 16)" +
           extra + "}\n";
  }

  std::string admin() const { return "Authorization: Bearer " + server_->admin_token(); }
  void start(const std::string& extra = "") {
    server_ = std::make_unique<ServerProcess>(ServerOptions{config(extra), {}, {{"JWT_SECRET", kSecret}}, {}});
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }
  // A key with `daily_usd` to spend a day; its header.
  std::pair<std::string, std::string> make_key(double daily_usd) {
    auto made =
        client_->post("/admin/keys", json({{"name", "budgeted"}, {"daily_budget_usd", daily_usd}}).dump(), {admin()});
    EXPECT_EQ(made.status, 201) << made.body;
    return {made.json()["id"], "X-API-Key: " + made.json()["key"].get<std::string>()};
  }
  // What the key spent today, as the ledger says (the key list flushes it first).
  double spent_today(const std::string& id) {
    auto listed = client_->get("/admin/keys", {admin()});
    EXPECT_EQ(listed.status, 200) << listed.body;
    const auto keys = listed.json()["keys"];
    for (const auto& key : keys)
      if (key["id"] == id) return key["spent_today_usd"].get<double>();
    ADD_FAILURE() << "no key " << id;
    return 0;
  }
  static std::string call(const std::string& model, int i, bool capped = true) {
    json body = {{"model", "fake/" + model},
                 {"messages", {{{"role", "user"}, {"content", "Tell me story " + std::to_string(i % 90 + 10)}}}}};
    if (capped) body["max_tokens"] = 16;
    return body.dump();
  }

  // `count` calls at once; the statuses they got.
  std::map<long, int> at_once(const std::string& model, const std::string& key, int count) {
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::map<long, int> statuses;
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([&, i] {
        HttpClient client(server_->base_url());
        const auto status = client.post("/v1/chat/completions", call(model, i), {key}).status;
        std::lock_guard lock(mutex);
        ++statuses[status];
      });
    }
    for (auto& thread : threads) thread.join();
    return statuses;
  }

  // Fifty at once, then one at a time until refused: the ledger ends within one call of the
  // budget, over it by none, and the budget is usable to within one reservation of its end.
  void holds_under(const std::string& model) {
    start();
    constexpr double kBudget = 0.001;  // about 12 calls, 5 reservations at once
    const auto [id, key] = make_key(kBudget);
    auto statuses = at_once(model, key, 50);
    EXPECT_EQ(statuses[200] + statuses[402], 50) << ::testing::PrintToString(statuses);
    const double after_wave = spent_today(id);
    std::printf("[ budget ] %s: 50 at once: %d served, %d refused; spent $%.6f of $%.6f\n", model.c_str(),
                statuses[200], statuses[402], after_wave, kBudget);
    EXPECT_LE(after_wave, kBudget + kPerCall * 1.001);
    EXPECT_NEAR(after_wave, statuses[200] * kPerCall, 1e-9);
    int more = 0;
    for (int i = 100; i < 140; ++i) {
      auto reply = client_->post("/v1/chat/completions", call(model, i), {key});
      if (reply.status == 402) break;
      ASSERT_EQ(reply.status, 200) << reply.body;
      ++more;
    }
    const double spent = spent_today(id);
    std::printf("[ budget ] %s: then %d one at a time: spent $%.6f of $%.6f (overshoot $%.6f)\n", model.c_str(), more,
                spent, kBudget, std::max(0.0, spent - kBudget));
    EXPECT_LE(spent, kBudget + kPerCall * 1.001);
    EXPECT_GT(spent, kBudget - kWorstCase - kPerCall);  // reservations were given back
  }

  TempDir pricing_;
  FakeUpstream upstream_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(BudgetHolds, FiftyCallsAtOnceEndWithinOneCallOfTheBudget) { holds_under("echo"); }

TEST_F(BudgetHolds, FiftySlowCallsAtOnceEndWithinOneCallOfTheBudget) { holds_under("slow-echo"); }

TEST_F(BudgetHolds, ABatchOfAHundredPromptsReservesPerItem) {
  start();
  constexpr double kBudget = 0.001;
  const auto [id, key] = make_key(kBudget);
  json prompts = json::array();
  for (int i = 0; i < 100; ++i) prompts.push_back(json({{"n", i}}).dump());
  auto reply = client_->post("/v1/analyze/batch",
                             json({{"prompts", prompts},
                                   {"schema", {{"type", "object"}, {"required", {"n"}}}},
                                   {"options", {{"provider", "exact"}, {"max_tokens", 16}}}})
                                 .dump(),
                             {key});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto out = reply.json();
  int completed = 0, over_budget = 0;
  for (const auto& result : out["results"]) {
    if (result["status"] == "completed") ++completed;
    if (result.contains("error") && result["error"]["code"] == "BUDGET_EXCEEDED") ++over_budget;
  }
  const double spent = spent_today(id);
  std::printf("[ budget ] batch of 100: %d completed, %d over budget; spent $%.6f of $%.6f\n", completed, over_budget,
              spent, kBudget);
  EXPECT_EQ(completed + over_budget, 100) << out["results"][0];
  EXPECT_GT(completed, 0);
  EXPECT_GT(over_budget, 0);
  EXPECT_LE(spent, kBudget + kPerCall * 1.001);
  EXPECT_NEAR(spent, completed * kPerCall, 1e-9);
}

TEST_F(BudgetHolds, ACallWithoutMaxTokensIsSentWithTheCapItReserved) {
  start();
  const auto [id, key] = make_key(0.01);
  ASSERT_EQ(client_->post("/v1/chat/completions", call("echo", 1, false), {key}).status, 200);
  // A key without a budget holds nothing, and its call goes as it came.
  auto free = client_->post("/admin/keys", R"({"name": "free"})", {admin()});
  ASSERT_EQ(free.status, 201);
  ASSERT_EQ(client_
                ->post("/v1/chat/completions", call("echo", 2, false),
                       {"X-API-Key: " + free.json()["key"].get<std::string>()})
                .status,
            200);
  const auto seen = upstream_.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body["max_tokens"], 16) << seen[0].raw_body;
  EXPECT_FALSE(seen[1].body.contains("max_tokens")) << seen[1].raw_body;
  // A call whose worst case cannot fit is refused before it leaves, saying why.
  const auto refused = client_->post(
      "/v1/chat/completions",
      json({{"model", "fake/echo"}, {"max_tokens", 100000}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}})
          .dump(),
      {key});
  ASSERT_EQ(refused.status, 402) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "BUDGET_EXCEEDED");
  EXPECT_NEAR(refused.json()["error"]["call_max_usd"].get<double>(), 100000 * 1e-5 + 5 * 1e-6, 1e-9);
  EXPECT_EQ(upstream_.requests().size(), 2u);
}

TEST_F(BudgetHolds, JwtSubjectsHaveTheConfiguredBudgetEach) {
  start(", jwt_daily_usd: 0.0005");  // about 6 calls
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto bearer = [&](const std::string& subject) {
    return "Authorization: Bearer " + auth::sign_jwt({{"sub", subject}, {"exp", now + 600}}, kSecret);
  };
  int served = 0;
  long last = 0;
  for (int i = 0;
       i < 20 && (last = client_->post("/v1/chat/completions", call("echo", i), {bearer("ada")}).status) == 200; ++i)
    ++served;
  EXPECT_EQ(last, 402);
  EXPECT_GE(served, 3);
  EXPECT_LE(served, 6);
  // Another subject has a budget of its own.
  EXPECT_EQ(client_->post("/v1/chat/completions", call("echo", 50), {bearer("grace")}).status, 200);
  const auto events = client_->get("/internal/audit?action=budget.exceeded", {admin()}).json()["events"];
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0]["actor"], "jwt:ada");
}

}  // namespace
}  // namespace switchboard::test
