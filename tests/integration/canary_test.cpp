// Canary plugin versions through the real binary: a failing new version of the mock provider
// gets a share of requests and is rolled back on its own, no request failing but the canary's;
// a good one is promoted by hand; the admin calls refuse what makes no sense.
#include <string>

#include <gtest/gtest.h>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

class Canary : public ::testing::Test {
 protected:
  ServerProcess server_;
  HttpClient client_{server_.base_url()};

  std::string admin() const { return "Authorization: Bearer " + server_.admin_token(); }
  // A gateway call, different each time: the response cache would answer a repeated one
  // without calling either version.
  HttpReply call(int i) {
    return client_.post("/v1/chat/completions",
                        json({{"model", "mock/mock-1"},
                              {"messages", {{{"role", "user"}, {"content", "canary call " + std::to_string(i)}}}}})
                            .dump());
  }
  json plugins() { return client_.get("/admin/plugins", {admin()}).json()["plugins"]; }
};

TEST_F(Canary, AFailingVersionIsRolledBackOnItsOwnAndOnlyItsRequestsFail) {
  auto started = client_.post(
      "/admin/plugins/mock/canary",
      R"({"config": {"failure_rate": 1.0}, "share": 0.25, "min_requests": 5, "max_error_rate": 0.2})", {admin()});
  ASSERT_EQ(started.status, 201) << started.body;
  EXPECT_EQ(started.json()["state"], "canary");
  EXPECT_EQ(client_.get("/admin/plugins/mock/canary", {admin()}).json()["share"], 0.25);

  int failed = 0, on_canary = 0, failed_off_canary = 0, served_after_rollback = 0, failed_after_rollback = 0;
  bool rolled_back = false;
  for (int i = 0; i < 300 && served_after_rollback < 40; ++i) {
    auto reply = call(i);
    const bool canary = !reply.header("x-switchboard-canary").empty();
    if (canary) {
      ++on_canary;
      EXPECT_TRUE(reply.header("x-switchboard-canary").starts_with("mock/")) << reply.header("x-switchboard-canary");
    }
    if (reply.status >= 500) {
      ++failed;
      if (!canary) ++failed_off_canary;
    }
    if (rolled_back) {
      ++served_after_rollback;
      if (reply.status != 200) ++failed_after_rollback;
      EXPECT_FALSE(canary);
    } else {
      rolled_back = client_.get("/admin/plugins/mock/canary", {admin()}).status == 404;
    }
  }
  ASSERT_TRUE(rolled_back) << "canary requests " << on_canary << ", failed " << failed;
  EXPECT_EQ(failed_off_canary, 0);  // nothing failed beyond the canary's share
  EXPECT_GE(failed, 5);             // it was judged on its minimum
  EXPECT_LE(failed, on_canary);
  EXPECT_EQ(failed_after_rollback, 0);
  for (const auto& plugin : plugins()) EXPECT_NE(plugin["state"], "canary") << plugin.dump();

  const auto events = client_.get("/internal/audit?action=plugin.canary.", {admin()}).json()["events"];
  ASSERT_GE(events.size(), 2u) << events.dump();
  EXPECT_EQ(events[0]["action"], "plugin.canary.rollback");
  EXPECT_EQ(events[0]["actor"], "canary-monitor");
  EXPECT_EQ(events[0]["details"]["reason"], "error_rate");
  EXPECT_EQ(events[1]["action"], "plugin.canary.start");
  const std::string metrics = client_.get("/metrics").body;
  EXPECT_NE(metrics.find(R"(switchboard_canary_events_total{event="rollback",plugin="mock"} 1)"), std::string::npos);
  EXPECT_NE(metrics.find(R"(switchboard_canary_requests_total{outcome="error",plugin="mock",variant="canary"})"),
            std::string::npos);
}

TEST_F(Canary, AGoodVersionIsPromotedByHand) {
  std::uint64_t before = 0;
  for (const auto& plugin : plugins()) {
    if (plugin["name"] == "mock") before = plugin["generation"];
  }
  auto started = client_.post("/admin/plugins/mock/canary", R"({"share": 0.5})", {admin()});
  ASSERT_EQ(started.status, 201) << started.body;
  const auto canary_generation = started.json()["generation"].get<std::uint64_t>();
  EXPECT_GT(canary_generation, before);
  // The plugin under a canary stays as it is until then.
  EXPECT_EQ(client_.post("/admin/plugins/mock/reload", "{}", {admin()}).status, 409);
  EXPECT_EQ(client_.request("DELETE", "/admin/plugins/mock", "", {admin()}).status, 409);
  EXPECT_EQ(client_.post("/admin/plugins/mock/canary", "{}", {admin()}).status, 409);  // one at a time

  int on_canary = 0;
  for (int i = 0; i < 40; ++i) {
    auto reply = call(1000 + i);
    ASSERT_EQ(reply.status, 200) << reply.body;
    if (!reply.header("x-switchboard-canary").empty()) ++on_canary;
  }
  EXPECT_GT(on_canary, 5);
  EXPECT_LT(on_canary, 35);
  const auto status = client_.get("/admin/plugins/mock/canary", {admin()}).json();
  EXPECT_EQ(status["canary"]["requests"].get<int>() + status["current"]["requests"].get<int>() >= 40, true)
      << status.dump();
  EXPECT_EQ(status["canary"]["errors"], 0);

  auto promoted = client_.post("/admin/plugins/mock/canary/promote", "", {admin()});
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(promoted.json()["state"], "active");
  bool found = false;
  for (const auto& plugin : plugins()) {
    if (plugin["name"] == "mock" && plugin["state"] == "active") {
      found = true;
      EXPECT_EQ(plugin["generation"], canary_generation);
    }
  }
  EXPECT_TRUE(found);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(call(2000 + i).header("x-switchboard-canary").empty());
  EXPECT_EQ(client_.post("/admin/plugins/mock/canary/promote", "", {admin()}).status, 404);
  EXPECT_EQ(client_.get("/internal/audit?action=plugin.canary.promote", {admin()}).json()["events"].size(), 1u);
}

TEST_F(Canary, BadCanaryRequestsAreRefused) {
  EXPECT_EQ(client_.post("/admin/plugins/mock/canary", R"({"share": 0})", {admin()}).status, 422);
  EXPECT_EQ(client_.post("/admin/plugins/mock/canary", R"({"share": 1.5})", {admin()}).status, 422);
  EXPECT_EQ(client_.post("/admin/plugins/mock/canary", R"({"min_requests": "ten"})", {admin()}).status, 422);
  EXPECT_EQ(client_.post("/admin/plugins/nothing/canary", "{}", {admin()}).status, 404);
  EXPECT_EQ(client_.post("/admin/plugins/mock/canary/abort", "", {admin()}).status, 404);
  EXPECT_EQ(client_.get("/admin/plugins/mock/canary", {admin()}).status, 404);
  EXPECT_EQ(client_.post("/admin/plugins/mock/canary", "{}").status, 401);  // the admin token, always
  // Aborted by hand: the current version serves everything again.
  ASSERT_EQ(client_.post("/admin/plugins/mock/canary", R"({"share": 1.0})", {admin()}).status, 201);
  EXPECT_FALSE(call(1).header("x-switchboard-canary").empty());
  EXPECT_EQ(client_.post("/admin/plugins/mock/canary/abort", "", {admin()}).status, 200);
  EXPECT_TRUE(call(2).header("x-switchboard-canary").empty());
}

}  // namespace
}  // namespace switchboard::test
