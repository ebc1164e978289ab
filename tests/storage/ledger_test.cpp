// The usage ledger through the real binary, on each store: every call through the gateway,
// whole or streamed, with usage reported by the upstream or counted locally, is one priced
// ledger row, and the cost API's totals equal the sum of the calls to the nano-dollar.
#include <fstream>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "store_fixture.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

struct Expected {
  std::int64_t calls = 0;
  std::int64_t tokens = 0;
  std::int64_t nanousd = 0;
};

class Ledger : public EachStore {
 protected:
  void SetUp() override {
    const auto pricing = data_dir() / "pricing.yaml";
    // Prices in whole micro-dollars per token, so each call's cost is exact.
    std::ofstream(pricing) << "models:\n  echo: { input: 2.00, output: 8.00 }\n"
                              "  no-usage: { input: 1.00, output: 3.00 }\n";
    server_ = std::make_unique<ServerProcess>(ServerOptions{R"(
plugins:
  - {name: echo, file: frameworks/echo-v1.so}
  - {name: openai, file: providers/openai.so}
  - {name: price-table, file: cost/price-table.so, config: {pricing_file: )" +
                                                                pricing.string() + R"(}}
middleware: []
providers:
  - {name: fake, plugin: openai, base_url: )" + upstream_.base_url() +
                                                                R"(, model: echo,
     models: [echo, no-usage, mystery], cost_model: price-table}
default_provider: fake
resilience:
  custom: {retry_attempts: 0}
cache: {enabled: false}  # every call is priced here, none answered from the cache
)",
                                                            {},
                                                            {{"DATABASE_URL", fresh_url()}},
                                                            assemble_plugin_dir(plugins_.path())});
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }

  // One call; adds what its answer reports to `expected` at the given prices (micro-$/token).
  void call(const std::string& model, bool stream, std::int64_t input_price, std::int64_t output_price,
            Expected& expected) {
    const json body = {{"model", "fake/" + model},
                       {"stream", stream},
                       {"messages", {{{"role", "user"}, {"content", "count the cost of this please"}}}}};
    auto reply = client_->post("/v1/chat/completions", body.dump());
    ASSERT_EQ(reply.status, 200) << reply.body;
    json usage;
    if (!stream) {
      usage = reply.json()["usage"];
    } else {
      // The usage arrives in the last chunk before [DONE].
      std::size_t at = 0;
      while ((at = reply.body.find("data: {", at)) != std::string::npos) {
        const auto end = reply.body.find("\n\n", at);
        auto event = json::parse(reply.body.substr(at + 6, end - at - 6), nullptr, false);
        if (event.contains("usage")) usage = event["usage"];
        at = end;
      }
    }
    ASSERT_TRUE(usage.is_object()) << reply.body;
    const std::int64_t in = usage["prompt_tokens"], out = usage["completion_tokens"];
    EXPECT_GT(in + out, 0);
    expected.calls += 1;
    expected.tokens += in + out;
    expected.nanousd += in * input_price * 1000 + out * output_price * 1000;
  }

  FakeUpstream upstream_;
  TempDir plugins_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_P(Ledger, CostTotalsEqualTheSumOfTheCallsToTheNanoDollar) {
  Expected expected;
  for (int i = 0; i < 5; ++i) call("echo", false, 2, 8, expected);
  for (int i = 0; i < 4; ++i) call("echo", true, 2, 8, expected);
  for (int i = 0; i < 3; ++i) call("no-usage", true, 1, 3, expected);  // counted locally
  Expected unpriced;
  call("mystery", false, 0, 0, unpriced);  // not in the price table: cost 0, marked unpriced

  auto usage = client_->get("/api/cost/usage").json();
  ASSERT_TRUE(usage.is_object());
  const auto& summary = usage["summary"];
  EXPECT_EQ(summary["total_requests"], expected.calls + 1);
  EXPECT_EQ(summary["total_tokens"], expected.tokens + unpriced.tokens);
  EXPECT_EQ(std::llround(summary["total_cost_usd"].get<double>() * 1e9), expected.nanousd);
  ASSERT_TRUE(usage["by_framework"].contains("gateway")) << usage.dump();
  EXPECT_EQ(usage["by_framework"]["gateway"]["requests"], expected.calls + 1);
  ASSERT_EQ(usage["by_day"].size(), 1u) << usage.dump();
  EXPECT_EQ(usage["by_day"][0]["tokens"], expected.tokens + unpriced.tokens);
  EXPECT_EQ(usage["by_day"][0]["date"], summary["date_range"]["end"]);

  auto transactions = client_->get("/api/cost/transactions?limit=100").json()["transactions"];
  ASSERT_EQ(static_cast<std::int64_t>(transactions.size()), expected.calls + 1);
  std::int64_t nanos = 0;
  int priced = 0;
  for (const auto& t : transactions) {
    EXPECT_EQ(t["type"], "chat_completion");
    EXPECT_EQ(t["framework"], "gateway");
    EXPECT_EQ(t["provider"], "fake");
    EXPECT_EQ(t["status"], "ok");
    EXPECT_EQ(t["total_tokens"], t["input_tokens"].get<std::int64_t>() + t["output_tokens"].get<std::int64_t>());
    nanos += std::llround(t["estimated_cost_usd"].get<double>() * 1e9);
    priced += t["priced"].get<bool>() ? 1 : 0;
    EXPECT_TRUE(t["created_at"].get<std::string>().ends_with("Z")) << t.dump();
  }
  EXPECT_EQ(nanos, expected.nanousd);
  EXPECT_EQ(priced, expected.calls);
  EXPECT_EQ(transactions[0]["model"], "mystery");  // newest first
  EXPECT_EQ(client_->get("/api/cost/transactions?limit=2").json()["transactions"].size(), 2u);
  EXPECT_TRUE(client_->get("/api/cost/transactions?framework=kernel").json()["transactions"].empty());
  EXPECT_EQ(client_->get("/api/cost/usage?framework=kernel").json()["summary"]["total_requests"], 0);
}

TEST_P(Ledger, ReloadingTheCostModelRepricesNewCallsOnly) {
  Expected before;
  for (int i = 0; i < 3; ++i) call("echo", false, 2, 8, before);
  const auto dearer = data_dir() / "pricing-dearer.yaml";
  std::ofstream(dearer) << "models:\n  echo: { input: 4.00, output: 16.00 }\n";
  const nlohmann::json reload = {{"config", {{"pricing_file", dearer.string()}}}};
  auto reloaded = client_->post("/admin/plugins/price-table/reload", reload.dump(),
                                {"Authorization: Bearer " + server_->admin_token()});
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  Expected after;
  call("echo", false, 4, 16, after);

  auto transactions = client_->get("/api/cost/transactions?limit=100").json()["transactions"];
  ASSERT_EQ(transactions.size(), 4u);
  EXPECT_EQ(std::llround(transactions[0]["estimated_cost_usd"].get<double>() * 1e9), after.nanousd);
  std::int64_t earlier = 0;
  for (std::size_t i = 1; i < transactions.size(); ++i)
    earlier += std::llround(transactions[i]["estimated_cost_usd"].get<double>() * 1e9);
  EXPECT_EQ(earlier, before.nanousd);  // stored costs keep the prices of their time
  EXPECT_EQ(std::llround(client_->get("/api/cost/usage").json()["summary"]["total_cost_usd"].get<double>() * 1e9),
            before.nanousd + after.nanousd);
}

// A framework's LLM steps go through the same router to an HTTP provider, and each is in the
// ledger under the framework and the task.
TEST_P(Ledger, FrameworkStepsAreInTheLedgerUnderTheirFramework) {
  auto reply = client_->post("/v1/frameworks/echo/tasks/story", R"({"topic":"a lighthouse"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto body = reply.json();
  EXPECT_FALSE(body["text"].get<std::string>().empty());
  auto transactions = client_->get("/api/cost/transactions?framework=echo").json()["transactions"];
  ASSERT_EQ(transactions.size(), 1u);
  EXPECT_EQ(transactions[0]["type"], "story");
  EXPECT_EQ(transactions[0]["provider"], "fake");
  EXPECT_EQ(transactions[0]["input_tokens"], body["input_tokens"]);
  EXPECT_EQ(transactions[0]["output_tokens"], body["output_tokens"]);
  EXPECT_EQ(transactions[0]["request_id"], reply.header("x-request-id"));
  EXPECT_EQ(client_->get("/api/cost/usage").json()["by_framework"]["echo"]["requests"], 1);
}

TEST_P(Ledger, BadQueriesAreRefusedWithDetails) {
  const std::pair<std::string, std::string> bad[] = {
      {"/api/cost/usage?start_date=2024-13-01", "start_date"},
      {"/api/cost/usage?end_date=yesterday", "end_date"},
      {"/api/cost/usage?start_date=2024-02-30", "start_date"},
      {"/api/cost/usage?start_date=2024-03-02&end_date=2024-03-01", "start_date"},
      {"/api/cost/usage?start_date=2020-01-01&end_date=2024-01-01", "start_date"},
      {"/api/cost/transactions?limit=0", "limit"},
      {"/api/cost/transactions?limit=1001", "limit"},
      {"/api/cost/transactions?limit=ten", "limit"},
      {"/api/cost/transactions?limit=-5", "limit"},
  };
  for (const auto& [path, field] : bad) {
    auto reply = client_->get(path);
    EXPECT_EQ(reply.status, 422) << path;
    auto body = reply.json();
    EXPECT_EQ(body["error"]["code"], "VALIDATION_ERROR") << path;
    EXPECT_FALSE(body["error"]["request_id"].get<std::string>().empty()) << path;
    ASSERT_TRUE(body["error"]["details"].is_array()) << body.dump();
    EXPECT_EQ(body["error"]["details"][0]["field"], field) << path;
  }
  auto ok = client_->get("/api/cost/usage?start_date=2024-01-01&end_date=2024-01-08&framework=langchain").json();
  EXPECT_EQ(ok["summary"]["date_range"]["start"], "2024-01-01");
  EXPECT_EQ(ok["summary"]["total_requests"], 0);
  EXPECT_TRUE(ok["by_day"].empty());
}

INSTANTIATE_TEST_SUITE_P(Storage, Ledger, ::testing::Values(storage::Dialect::sqlite, storage::Dialect::postgres),
                         engine_name);

}  // namespace
}  // namespace switchboard::test
