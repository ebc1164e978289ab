// Rate limits by principal through the real binary: one key is one client however its
// credential is spelled; a key's rate_limit_per_hour is enforced; failed authentications are
// limited per client (429 with Retry-After, credentials unread) and audited in aggregate —
// a few rows for hundreds of failures, none carrying a long path. (Every client here is
// 127.0.0.1: a blocked client's good key waits too, until its window ends.)
#include <gtest/gtest.h>

#include <thread>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

std::string limited_config(const std::string& rate_limit, const std::string& auth = "{}") {
  return R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: auth, file: middleware/auth.so, config: )" +
         auth + R"(}
  - {name: rate-limit, file: middleware/rate-limit.so, config: )" +
         rate_limit + R"(}
middleware: [auth, rate-limit]
)";
}

class Limits {
 public:
  explicit Limits(const std::string& config)
      : server_(ServerOptions{config, {}, {}, {}}), client_(server_.base_url()) {}

  std::string admin() const { return "Authorization: Bearer " + server_.admin_token(); }
  json make_key(const json& body) {
    auto reply = client_.post("/admin/keys", body.dump(), {admin()});
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json();
  }
  json audit(const std::string& query) {
    auto reply = client_.get("/internal/audit" + query, {admin()});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json()["events"];
  }
  ServerProcess server_;
  HttpClient client_;
};

TEST(PrincipalLimits, OneKeyIsOneClientHoweverItsCredentialIsSpelled) {
  Limits limits(limited_config("{limits: {global: 3}}"));
  const std::string secret = limits.make_key({{"name", "spelled"}})["key"];
  const std::vector<std::string> spellings = {"X-API-Key: " + secret, "Authorization: Bearer " + secret,
                                              "authorization: bearer " + secret};
  for (std::size_t i = 0; i < spellings.size(); ++i) {
    auto reply = limits.client_.get("/v1/auth/status", {spellings[i]});
    ASSERT_EQ(reply.status, 200) << spellings[i] << ": " << reply.body;
    EXPECT_EQ(reply.header("x-ratelimit-remaining"), std::to_string(2 - i)) << spellings[i];
  }
  for (const auto& spelling : spellings) {
    auto refused = limits.client_.get("/v1/auth/status", {spelling});
    EXPECT_EQ(refused.status, 429) << spelling << ": " << refused.body;
  }
  // Another key is another client (the same IP notwithstanding).
  const std::string other = limits.make_key({{"name", "other"}})["key"];
  EXPECT_EQ(limits.client_.get("/v1/auth/status", {"X-API-Key: " + other}).status, 200);
}

TEST(PrincipalLimits, AKeysRateLimitPerHourIsEnforced) {
  Limits limits(limited_config("{}"));
  const auto made = limits.make_key({{"name", "hourly"}, {"rate_limit_per_hour", 3}});
  const std::string key = "X-API-Key: " + made["key"].get<std::string>();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(limits.client_.get("/v1/auth/status", {key}).status, 200) << i;
  auto refused = limits.client_.get("/v1/auth/status", {key});
  ASSERT_EQ(refused.status, 429) << refused.body;
  const auto error = refused.json()["error"];
  EXPECT_EQ(error["limit"], "3 requests per hour");
  EXPECT_GT(std::stoi(refused.header("retry-after")), 60);  // the hour's oldest request frees it
  EXPECT_EQ(limits.audit("?action=rate_limit.exceeded")[0]["details"]["class"], "key");
  // A key without one goes on under the per-minute defaults.
  const std::string other = limits.make_key({{"name", "unlimited"}})["key"];
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limits.client_.get("/v1/auth/status", {"X-API-Key: " + other}).status, 200);
}

TEST(AuthFailures, AreLimitedPerClientAndAuditedInAggregate) {
  Limits limits(limited_config("{limits: {global: 1000}}", "{max_failures: 10, failure_window_seconds: 3}"));
  const std::string good = "X-API-Key: " + limits.make_key({{"name", "good"}})["key"].get<std::string>();
  const std::string long_path = "/api/stories/" + std::string(5000, 'x');
  std::map<long, int> statuses;
  HttpReply last;
  for (int i = 0; i < 300; ++i) {
    last = limits.client_.get(i % 2 ? long_path : "/api/stories", {"X-API-Key: sk_guess_" + std::to_string(i)});
    ++statuses[last.status];
  }
  EXPECT_EQ(statuses[401], 10) << ::testing::PrintToString(statuses);
  EXPECT_EQ(statuses[429], 290) << ::testing::PrintToString(statuses);
  EXPECT_EQ(last.json()["error"]["code"], "RATE_LIMIT_EXCEEDED");
  EXPECT_GE(std::stoi(last.header("retry-after")), 1);
  EXPECT_LE(std::stoi(last.header("retry-after")), 3);
  // While blocked, the client's good key waits too (every client here is 127.0.0.1).
  EXPECT_EQ(limits.client_.get("/api/stories", {good}).status, 429);

  // Two rows for 300 failures: the window's first, and the one that used it up, with the
  // count and no path.
  const auto failures = limits.audit("?action=auth.failure");
  ASSERT_EQ(failures.size(), 2u) << failures;
  EXPECT_EQ(failures[0]["details"]["count"], 10);
  EXPECT_FALSE(failures[0]["details"].contains("path")) << failures[0];
  EXPECT_EQ(failures[0]["actor"], "anonymous@127.0.0.1");
  EXPECT_EQ(failures[1]["details"]["count"], 1);
  EXPECT_EQ(failures[1]["details"]["path"], "/api/stories");
  const auto everything = limits.client_.get("/internal/audit?limit=10000", {limits.admin()});
  EXPECT_EQ(everything.body.find(std::string(300, 'x')), std::string::npos);

  // The window over, the good key is let in, and a guess is checked (and refused) again.
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));
  EXPECT_EQ(limits.client_.get("/api/stories", {good}).status, 200);
  EXPECT_EQ(limits.client_.get("/api/stories", {"X-API-Key: sk_guess_again"}).status, 401);
}

}  // namespace
}  // namespace switchboard::test
