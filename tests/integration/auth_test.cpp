// The `auth` middleware through the real binary: every route but the public ones refuses a
// request without a valid credential (walked over the whole route table); API keys made,
// used and revoked through the admin API; JWTs valid, expired, forged and of other
// algorithms; a refused auth plugin fails closed; no loopback-less start without auth.
#include <gtest/gtest.h>

#include <regex>

#include "../../plugins/middleware/auth/jwt.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

const std::string kSecret = "integration-secret-of-at-least-32-characters";

std::string config_with_auth() {
  return R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: auth, file: middleware/auth.so, config: {max_failures: 100000}}
middleware: [auth]
)";  // (the route walk below fails far more often than a client may by default)
}

class Auth : public ::testing::Test {
 protected:
  ServerProcess server_{ServerOptions{config_with_auth(), {}, {{"JWT_SECRET", kSecret}}, {}}};
  HttpClient client_{server_.base_url()};

  std::string admin() const { return "Authorization: Bearer " + server_.admin_token(); }
  json make_key(const json& body) {
    auto reply = client_.post("/admin/keys", body.dump(), {admin()});
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.json();
  }
  HttpReply status_with(const std::string& header) { return client_.get("/v1/auth/status", {header}); }
};

TEST_F(Auth, NoRouteButThePublicOnesAnswersWithoutACredential) {
  auto table = client_.get("/admin/routes", {admin()});
  ASSERT_EQ(table.status, 200) << table.body;
  const auto routes = table.json()["routes"];
  ASSERT_GT(routes.size(), 30u);
  int checked = 0;
  for (const auto& route : routes) {
    const std::string method = route["method"];
    const std::string path = std::regex_replace(route["path"].get<std::string>(), std::regex(R"(\{[^}]*\})"), "x");
    if (path.starts_with("/admin/") || path.starts_with("/internal/")) continue;  // the admin token's
    auto reply = client_.request(method, path, "{}");
    if (path == "/health" || path == "/health/ready" || path == "/openapi.json" || path == "/docs") {
      EXPECT_EQ(reply.status, 200) << method << " " << path;
      continue;
    }
    if (path == "/docs/x" || path == "/assets/x") {  // public, and no such file
      EXPECT_EQ(reply.status, 404) << method << " " << path;
      continue;
    }
    if (path == "/") {  // the web console: public, built (200) or not (503)
      EXPECT_TRUE(reply.status == 200 || reply.status == 503) << reply.status << ": " << reply.body;
      continue;
    }
    EXPECT_EQ(reply.status, 401) << method << " " << path << ": " << reply.body;
    EXPECT_EQ(reply.json()["error"]["code"], "UNAUTHORIZED") << path;
    EXPECT_EQ(reply.json()["error"]["request_id"], reply.header("x-request-id")) << path;
    EXPECT_EQ(reply.header("www-authenticate"), "Bearer") << path;
    ++checked;
  }
  EXPECT_GT(checked, 25);
  // The admin routes still want the admin token, not a key.
  EXPECT_EQ(client_.get("/admin/keys").status, 401);
}

TEST_F(Auth, ApiKeysAreMadeUsedAndRevoked) {
  const auto key = make_key({{"name", "ci"}, {"team", "platform"}, {"rate_limit_per_hour", 50}});
  const std::string secret = key["key"];
  ASSERT_TRUE(secret.starts_with("sk_"));
  auto listed = client_.get("/admin/keys", {admin()});
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(secret), std::string::npos);  // never shown again, nor its hash
  EXPECT_EQ(listed.json()["keys"][0]["name"], "ci");

  for (const auto& header : {"X-API-Key: " + secret, "Authorization: Bearer " + secret}) {
    auto status = status_with(header);
    ASSERT_EQ(status.status, 200) << status.body;
    EXPECT_EQ(status.json()["authenticated"], true);
    EXPECT_EQ(status.json()["principal"]["kind"], "api_key");
    EXPECT_EQ(status.json()["principal"]["id"], key["id"]);
    EXPECT_EQ(status.json()["principal"]["team"], "platform");
  }
  auto story = client_.post("/api/semantic-kernel", R"({"primary_character": "A", "secondary_character": "B"})",
                            {"X-API-Key: " + secret});
  EXPECT_EQ(story.status, 200) << story.body;
  EXPECT_EQ(status_with("X-API-Key: sk_" + std::string(48, '0')).status, 401);
  EXPECT_EQ(status_with("X-API-Key: " + secret + "x").status, 401);

  ASSERT_EQ(client_.request("DELETE", "/admin/keys/" + key["id"].get<std::string>(), "", {admin()}).status, 200);
  EXPECT_EQ(status_with("X-API-Key: " + secret).status, 401);
  EXPECT_EQ(client_.request("DELETE", "/admin/keys/nope", "", {admin()}).status, 404);

  const auto expired = make_key({{"name", "old"}, {"expires_at", "2020-01-01T00:00:00Z"}});
  auto refused = status_with("X-API-Key: " + expired["key"].get<std::string>());
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.json()["error"]["message"].get<std::string>().find("expired"), std::string::npos);

  EXPECT_EQ(client_.post("/admin/keys", R"({"team": "x"})", {admin()}).status, 422);
  EXPECT_EQ(client_.post("/admin/keys", R"({"name": "x", "expires_at": "soon"})", {admin()}).status, 422);
  EXPECT_EQ(client_.post("/admin/keys", R"({"name": "x", "rate_limit_per_hour": 0})", {admin()}).status, 422);

  // The keys and the JWT secret never reach the log.
  const auto log = server_.log();
  EXPECT_EQ(log.find(secret), std::string::npos);
  EXPECT_EQ(log.find(kSecret), std::string::npos);
  EXPECT_NE(log.find("\"action\":\"auth.failure\""), std::string::npos) << log;
}

TEST_F(Auth, JwtsAreCheckedForSignatureAlgorithmAndExpiry) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto bearer = [](const std::string& token) { return "Authorization: Bearer " + token; };
  auto valid = status_with(bearer(auth::sign_jwt({{"sub", "user-7"}, {"exp", now + 300}}, kSecret)));
  ASSERT_EQ(valid.status, 200) << valid.body;
  EXPECT_EQ(valid.json()["principal"]["kind"], "jwt");
  EXPECT_EQ(valid.json()["principal"]["id"], "user-7");
  EXPECT_EQ(valid.json()["principal"]["name"], "");
  // The issuer is the principal's name: the host owns a token's objects by issuer and subject.
  auto issued = status_with(
      bearer(auth::sign_jwt({{"iss", "https://id.example"}, {"sub", "user-7"}, {"exp", now + 300}}, kSecret)));
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_EQ(issued.json()["principal"]["name"], "https://id.example");

  EXPECT_EQ(status_with(bearer(auth::sign_jwt({{"sub", "u"}, {"exp", now - 5}}, kSecret))).status, 401);
  EXPECT_EQ(status_with(bearer(auth::sign_jwt({{"sub", "u"}}, kSecret))).status, 401);  // no exp
  EXPECT_EQ(status_with(bearer(auth::sign_jwt({{"sub", "u"}, {"exp", now + 300}}, kSecret + "!"))).status, 403);
  for (const char* algorithm : {"none", "RS256"}) {
    auto reply = status_with(bearer(auth::sign_jwt({{"sub", "u"}, {"exp", now + 300}}, kSecret, algorithm)));
    EXPECT_EQ(reply.status, 403) << algorithm << ": " << reply.body;
    EXPECT_EQ(reply.json()["error"]["code"], "FORBIDDEN");
  }
  EXPECT_EQ(status_with(bearer("not.a.jwt")).status, 401);
  EXPECT_EQ(status_with("Authorization: Basic dXNlcjpwYXNz").status, 401);
}

TEST(AuthStartup, AShortSecretRefusesThePluginAndRequestsFailClosed) {
  ServerProcess server{ServerOptions{config_with_auth(), {}, {{"JWT_SECRET", "too-short"}}, {}}};
  HttpClient client(server.base_url());
  auto reply = client.get("/v1/auth/status");
  EXPECT_EQ(reply.status, 503) << reply.body;
  EXPECT_EQ(reply.json()["error"]["code"], "AUTH_UNAVAILABLE");
  EXPECT_NE(server.log().find("at least 32 characters"), std::string::npos);
  EXPECT_EQ(server.log().find("too-short"), std::string::npos);  // the secret is not repeated
}

TEST(AuthStartup, ListeningBeyondLoopbackNeedsAuth) {
  TempDir dir;
  auto result =
      run_switchboard({"serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", (dir.path() / "data").string()});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("refusing to listen beyond loopback without authentication"), std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace switchboard::test
