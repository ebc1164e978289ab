// Browsers driven by another site, through the real binary on its loopback default (no auth):
// a DNS-rebound name is misdirected (421), a state-changing request from a foreign origin or
// marked cross-site is refused (403), and a JSON body sent as text/plain or form-encoded — a
// "simple" request any page may send — is refused (415). Also JWT claims through `auth`:
// audience, issuer and times.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "../../plugins/middleware/auth/jwt.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

// A state-changing route whose handler answers 422 to `{}`: reaching it means the guards let
// the request through.
const std::string kTask = "/v1/frameworks/kernel/tasks/story";

void expect_refused(const HttpReply& reply, long status, const std::string& code) {
  EXPECT_EQ(reply.status, status) << reply.body;
  const json body = reply.json();
  ASSERT_TRUE(body.is_object() && body.contains("error")) << reply.body;
  EXPECT_EQ(body["error"]["code"], code) << reply.body;
  EXPECT_EQ(body["error"]["request_id"], reply.header("x-request-id"));
}

class RequestGuards : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static ServerProcess* server_;
  HttpClient client_{server_->base_url()};
  std::string port() const { return std::to_string(server_->port()); }
};
ServerProcess* RequestGuards::server_ = nullptr;

TEST_F(RequestGuards, ARebindingHostIsMisdirectedEvenForReads) {
  for (const std::string host : {"attacker.example", "127.0.0.1.attacker.example", "localhost.attacker.example"}) {
    expect_refused(client_.get("/health", {"Host: " + host + ":" + port()}), 421, "MISDIRECTED_REQUEST");
    expect_refused(client_.post(kTask, "{}", {"Host: " + host + ":" + port()}), 421, "MISDIRECTED_REQUEST");
  }
  for (const std::string host : {"localhost", "127.0.0.1", "[::1]", "LocalHost"}) {
    EXPECT_EQ(client_.get("/health", {"Host: " + host + ":" + port()}).status, 200) << host;
  }
  EXPECT_EQ(client_.get("/health", {"Host: localhost"}).status, 200);
}

TEST_F(RequestGuards, ATextPlainJsonPostFromAnotherSiteIsRefused) {
  // What a page on another site can send without asking (no preflight).
  expect_refused(client_.post(kTask, "{}", {"Content-Type: text/plain", "Origin: http://evil.example"}), 403,
                 "FORBIDDEN_ORIGIN");
  expect_refused(client_.post(kTask, "{}", {"Content-Type: text/plain", "Origin: http://127.0.0.1.evil.example"}), 403,
                 "FORBIDDEN_ORIGIN");
  // Even without an Origin, JSON must say it is JSON.
  expect_refused(client_.post(kTask, "{}", {"Content-Type: text/plain"}), 415, "UNSUPPORTED_MEDIA_TYPE");
  expect_refused(client_.post(kTask, "{}", {"Content-Type: application/x-www-form-urlencoded"}), 415,
                 "UNSUPPORTED_MEDIA_TYPE");
  expect_refused(client_.post(kTask, "{}", {"Content-Type:"}), 415, "UNSUPPORTED_MEDIA_TYPE");  // none at all
  expect_refused(client_.request("PUT", "/v1/templates/x", "{}", {"Content-Type: text/plain"}), 415,
                 "UNSUPPORTED_MEDIA_TYPE");
  // As JSON, from this server's own origin or no browser at all, the handler answers.
  EXPECT_EQ(client_.post(kTask, "{}").status, 422);
  EXPECT_EQ(client_.post(kTask, "{}", {"Content-Type: application/json; charset=utf-8"}).status, 422);
  EXPECT_EQ(client_.post(kTask, "{}", {"Origin: http://127.0.0.1:" + port(), "Sec-Fetch-Site: same-origin"}).status,
            422);
}

TEST_F(RequestGuards, StateChangesFromAnotherOriginOrSiteAreRefused) {
  const std::vector<std::string> foreign = {"http://evil.example", "http://127.0.0.1.evil.example:" + port(),
                                            "http://localhost:" + port(), "http://127.0.0.1:1", "null"};
  for (const std::string& origin : foreign) {
    expect_refused(client_.post(kTask, "{}", {"Origin: " + origin}), 403, "FORBIDDEN_ORIGIN");
  }
  expect_refused(client_.post(kTask, "{}", {"Sec-Fetch-Site: cross-site"}), 403, "FORBIDDEN_ORIGIN");
  expect_refused(client_.request("DELETE", "/mcp", "", {"Origin: http://evil.example"}), 403, "FORBIDDEN_ORIGIN");
  EXPECT_EQ(client_.request("DELETE", "/mcp").status, 400);  // the route: no session named
  // Reads are not refused (CORS decides what a page may see of them).
  EXPECT_EQ(client_.get("/health", {"Origin: http://evil.example", "Sec-Fetch-Site: cross-site"}).status, 200);
}

TEST_F(RequestGuards, UploadsStayMultipartButNotFromAnotherSite) {
  const std::string body =
      "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
      "hello\r\n--B--\r\n";
  const std::string type = "Content-Type: multipart/form-data; boundary=B";
  auto uploaded = client_.post("/api/context/upload", body, {type});
  EXPECT_EQ(uploaded.status, 200) << uploaded.body;
  uploaded = client_.post("/api/context/upload", body, {type, "Origin: http://127.0.0.1:" + port()});
  EXPECT_EQ(uploaded.status, 200) << uploaded.body;
  expect_refused(client_.post("/api/context/upload", body, {type, "Origin: http://evil.example"}), 403,
                 "FORBIDDEN_ORIGIN");
  expect_refused(client_.post("/api/context/upload", body, {type, "Sec-Fetch-Site: cross-site"}), 403,
                 "FORBIDDEN_ORIGIN");
}

TEST(RequestGuardsConfigured, AllowedHostsReplaceTheLoopbackNames) {
  ServerProcess server(ServerOptions{"server:\n  allowed_hosts: [api.example.test]\n", {}, {}, {}});
  HttpClient client(server.base_url());
  const std::string port = std::to_string(server.port());
  EXPECT_EQ(client.get("/health", {"Host: api.example.test:" + port}).status, 200);
  EXPECT_EQ(client.get("/health", {"Host: API.example.test"}).status, 200);
  expect_refused(client.get("/health"), 421, "MISDIRECTED_REQUEST");  // Host: 127.0.0.1:<port>
  expect_refused(client.get("/health", {"Host: localhost:" + port}), 421, "MISDIRECTED_REQUEST");
  // Its own origin is the one it is reached under.
  EXPECT_EQ(
      client.post(kTask, "{}", {"Host: api.example.test:" + port, "Origin: http://api.example.test:" + port}).status,
      422);
}

TEST(RequestGuardsConfigured, AMalformedAllowedHostStopsStartUp) {
  TempDir dir;
  const auto file = dir.path() / "switchboard.yaml";
  std::ofstream(file) << "server:\n  allowed_hosts: [\"api.example.test:443\"]\n";
  auto result = run_switchboard(
      {"serve", "--port", "0", "--config", file.string(), "--data-dir", (dir.path() / "data").string()});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("server.allowed_hosts[0]"), std::string::npos) << result.output;
}

TEST(RequestGuardsConfigured, OriginsTheCorsMiddlewareAllowsMayChangeState) {
  ServerProcess server(ServerOptions{R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: cors, file: middleware/cors.so, config: {allowed_origins: ["https://console.example.org"]}}
middleware: [cors]
)",
                                     {},
                                     {},
                                     {}});
  HttpClient client(server.base_url());
  auto allowed = client.post(kTask, "{}", {"Origin: https://console.example.org", "Sec-Fetch-Site: cross-site"});
  EXPECT_EQ(allowed.status, 422) << allowed.body;
  EXPECT_EQ(allowed.header("access-control-allow-origin"), "https://console.example.org");
  EXPECT_EQ(client.post(kTask, "{}", {"Origin: https://console.example.org:443"}).status, 422);
  for (const std::string origin : {"https://console.example.org.evil.test", "http://console.example.org",
                                   "https://console.example.org:8443", "https://evil.example"}) {
    expect_refused(client.post(kTask, "{}", {"Origin: " + origin}), 403, "FORBIDDEN_ORIGIN");
  }
  // The allowed origin still sends JSON as JSON.
  expect_refused(client.post(kTask, "{}", {"Origin: https://console.example.org", "Content-Type: text/plain"}), 415,
                 "UNSUPPORTED_MEDIA_TYPE");
}

// `auth` with an audience and an issuer: a token must name both, and its times must be times.
TEST(JwtClaims, AudienceIssuerAndTimesAreChecked) {
  const std::string secret = "integration-secret-of-at-least-32-characters";
  ServerProcess server(ServerOptions{R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: auth, file: middleware/auth.so, config: {audience: switchboard, issuer: "https://idp.example"}}
middleware: [auth]
)",
                                     {},
                                     {{"JWT_SECRET", secret}},
                                     {}});
  HttpClient client(server.base_url());
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto status_with = [&](json claims) {
    return client.get("/v1/auth/status", {"Authorization: Bearer " + auth::sign_jwt(claims, secret)});
  };
  const json good = {{"sub", "user-1"}, {"aud", "switchboard"}, {"iss", "https://idp.example"}, {"exp", now + 600}};
  auto accepted = status_with(good);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  json listed = good;
  listed["aud"] = {"other", "switchboard"};
  EXPECT_EQ(status_with(listed).status, 200);
  for (const json& changed :
       {json{{"aud", "other"}}, json{{"aud", nullptr}}, json{{"iss", "https://idp.example.evil"}}, json{{"exp", 1e300}},
        json{{"exp", std::to_string(now + 600)}}, json{{"nbf", "soon"}}, json{{"iat", -5}}}) {
    json claims = good;
    claims.update(changed);
    auto refused = status_with(claims);
    EXPECT_EQ(refused.status, 401) << changed.dump() << " " << refused.body;
    EXPECT_EQ(refused.json()["error"]["code"], "UNAUTHORIZED") << changed.dump();
  }
  json without_issuer = good;
  without_issuer.erase("iss");
  EXPECT_EQ(status_with(without_issuer).status, 401);
}

TEST(JwtClaims, AMalformedAudienceSettingRefusesThePlugin) {
  ServerProcess server(ServerOptions{R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: auth, file: middleware/auth.so, config: {audience: ["a", "b"]}}
middleware: [auth]
)",
                                     {},
                                     {{"JWT_SECRET", "integration-secret-of-at-least-32-characters"}},
                                     {}});
  HttpClient client(server.base_url());
  expect_refused(client.get("/v1/auth/status"), 503, "AUTH_UNAVAILABLE");  // fails closed
  EXPECT_NE(server.log().find("audience must be a non-empty string"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::test
