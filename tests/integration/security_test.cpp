// Budgets and the audit trail through the real binary: a key with a daily USD budget is
// stopped mid-way by streamed calls alone, before a call could pass it (402 with the figures,
// on the gateway and on a framework route), another key goes on; every authentication,
// refusal and admin action is an audit event, readable with filters at GET /internal/audit —
// never with a credential.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

const char* kConfig = R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: price-table, file: cost/price-table.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: auth, file: middleware/auth.so}
  - {name: rate-limit, file: middleware/rate-limit.so, config: {limits: {chat: 2}}}
middleware: [auth, rate-limit]
providers:
  - {name: priced-mock, plugin: mock, model: gpt-4o-mini, cost_model: price-table}
default_provider: priced-mock
budgets: {default_max_tokens: 64}
)";

class Security : public ::testing::Test {
 protected:
  ServerProcess server_{ServerOptions{kConfig, {}, {}, {}}};
  HttpClient client_{server_.base_url()};

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
};

const std::string kStreamed =
    R"({"model": "priced-mock/gpt-4o-mini", "stream": true, "messages": [{"role": "user", "content": "Tell me a story about a lighthouse keeper"}]})";

TEST_F(Security, ABudgetStopsAKeyMidWayStreamedCallsIncluded) {
  constexpr double kBudget = 0.0001;
  const auto limited = make_key({{"name", "limited"}, {"daily_budget_usd", kBudget}});
  EXPECT_EQ(limited["daily_budget_usd"], kBudget);
  EXPECT_TRUE(limited["monthly_budget_usd"].is_null());
  const std::string key = "X-API-Key: " + limited["key"].get<std::string>();

  // Only streamed calls: were they not billed to the key, the budget would never run out.
  int served = 0;
  HttpReply refused;
  for (int i = 0; i < 40; ++i) {
    auto reply = client_.post("/v1/chat/completions", kStreamed, {key});
    if (reply.status != 200) {
      refused = reply;
      break;
    }
    EXPECT_NE(reply.body.find("data: [DONE]"), std::string::npos);
    ++served;
  }
  ASSERT_EQ(refused.status, 402) << "served " << served << ": " << refused.body;
  EXPECT_GE(served, 2);
  const auto error = refused.json()["error"];
  EXPECT_EQ(error["code"], "BUDGET_EXCEEDED");
  EXPECT_EQ(error["period"], "daily");
  EXPECT_DOUBLE_EQ(error["budget_usd"].get<double>(), kBudget);
  // Stopped before the next call could pass the budget: what is spent and what the call may
  // cost (its prompt and 64 tokens of answer at gpt-4o-mini's price) do not fit.
  EXPECT_LE(error["spent_usd"].get<double>(), kBudget);
  EXPECT_GT(error["spent_usd"].get<double>() + error["call_max_usd"].get<double>(), kBudget);
  EXPECT_GT(error["call_max_usd"].get<double>(), 64 * 0.6e-6);
  EXPECT_EQ(error["resets_at"].get<std::string>().size(), 20u) << error;
  EXPECT_EQ(error["request_id"], refused.header("x-request-id"));

  // Every way to spend as much is closed: whole calls and framework routes too.
  const std::string whole =
      R"({"model": "priced-mock/gpt-4o-mini", "messages": [{"role": "user", "content": "Tell me a story about a lighthouse keeper"}]})";
  EXPECT_EQ(client_.post("/v1/chat/completions", whole, {key}).status, 402);
  auto story = client_.post("/api/semantic-kernel", R"({"primary_character": "A", "secondary_character": "B"})", {key});
  EXPECT_EQ(story.status, 402) << story.body;
  EXPECT_EQ(story.json()["error"]["period"], "daily") << story.body;

  // Another key spends on; the refusal is in the audit trail under the key.
  const auto other = make_key({{"name", "other"}});
  EXPECT_EQ(client_.post("/v1/chat/completions", whole, {"X-API-Key: " + other["key"].get<std::string>()}).status, 200);

  // The key list shows each key's spend today and this month, as its budget counts it.
  auto listed = client_.get("/admin/keys", {admin()});
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::map<std::string, json> by_name;
  const auto keys = listed.json()["keys"];
  for (const auto& each : keys) by_name[each["name"].get<std::string>()] = each;
  EXPECT_DOUBLE_EQ(by_name["limited"]["spent_today_usd"].get<double>(), error["spent_usd"].get<double>());
  EXPECT_DOUBLE_EQ(by_name["limited"]["spent_this_month_usd"].get<double>(),
                   by_name["limited"]["spent_today_usd"].get<double>());
  EXPECT_GT(by_name["other"]["spent_today_usd"].get<double>(), 0.0);
  EXPECT_LT(by_name["other"]["spent_today_usd"].get<double>(), by_name["limited"]["spent_today_usd"].get<double>());
  const auto events = audit("?action=budget.exceeded");
  ASSERT_GE(events.size(), 3u) << events;
  EXPECT_EQ(events[0]["actor"], "api_key:" + limited["id"].get<std::string>());
  EXPECT_EQ(events[0]["details"]["period"], "daily");

  EXPECT_EQ(client_.post("/admin/keys", R"({"name": "x", "daily_budget_usd": -1})", {admin()}).status, 422);
  EXPECT_EQ(client_.post("/admin/keys", R"({"name": "x", "monthly_budget_usd": "5"})", {admin()}).status, 422);
}

TEST_F(Security, AuthenticationRefusalsAndAdminActionsAreAudited) {
  const auto made = make_key({{"name", "auditor"}});
  const std::string secret = made["key"];
  const std::string key = "X-API-Key: " + secret;
  EXPECT_EQ(client_.get("/api/stories", {"X-API-Key: sk_not_a_real_key"}).status, 401);
  EXPECT_EQ(client_.get("/api/stories", {key}).status, 200);
  const std::string chat = R"({"message": "hello"})";
  for (int i = 0; i < 2; ++i) EXPECT_EQ(client_.post("/api/chat/semantic-kernel", chat, {key}).status, 200) << i;
  EXPECT_EQ(client_.post("/api/chat/semantic-kernel", chat, {key}).status, 429);

  const auto failures = audit("?action=auth.failure");
  ASSERT_FALSE(failures.empty());
  EXPECT_EQ(failures[0]["actor"], "anonymous@127.0.0.1");
  EXPECT_EQ(failures[0]["details"]["status"], 401);
  EXPECT_EQ(failures[0]["details"]["path"], "/api/stories");

  const std::string actor = "api_key:" + made["id"].get<std::string>();
  const auto mine = audit("?actor=" + actor);
  std::set<std::string> actions;
  for (const auto& event : mine) actions.insert(event["action"]);
  EXPECT_TRUE(actions.count("auth.success")) << mine;
  EXPECT_TRUE(actions.count("rate_limit.exceeded")) << mine;
  EXPECT_EQ(audit("?action=rate_limit.exceeded")[0]["details"]["class"], "chat");

  const auto admin_actions = audit("?action=key.create");
  ASSERT_FALSE(admin_actions.empty());
  EXPECT_EQ(admin_actions[0]["target"], made["id"]);
  // A prefix filter, a time window, a limit.
  for (const auto& event : audit("?action=auth.")) EXPECT_TRUE(event["action"].get<std::string>().starts_with("auth."));
  EXPECT_TRUE(audit("?since=2999-01-01T00:00:00Z").empty());
  EXPECT_EQ(audit("?limit=1").size(), 1u);
  EXPECT_EQ(client_.get("/internal/audit?since=yesterday", {admin()}).status, 422);
  EXPECT_EQ(client_.get("/internal/audit?limit=0", {admin()}).status, 422);
  // The trail is the admin's alone.
  EXPECT_EQ(client_.get("/internal/audit").status, 401);
  EXPECT_EQ(client_.get("/internal/audit", {key}).status, 401);

  // No credential in the trail or the log.
  const auto everything = client_.get("/internal/audit?limit=10000", {admin()});
  EXPECT_EQ(everything.body.find(secret), std::string::npos);
  EXPECT_EQ(everything.body.find("sk_not_a_real_key"), std::string::npos);
  EXPECT_EQ(server_.log().find(secret), std::string::npos);
  EXPECT_EQ(server_.log().find("sk_not_a_real_key"), std::string::npos);
  EXPECT_NE(server_.log().find("\"action\":\"auth.failure\""), std::string::npos);
}

}  // namespace
}  // namespace switchboard::test

namespace switchboard::test {
namespace {

const char* kCorsConfig = R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: auth, file: middleware/auth.so}
  - {name: cors, file: middleware/cors.so, config: {allowed_origins: ["https://console.example.com"]}}
middleware: [cors, auth]
)";

TEST(Cors, PreflightsAreAnsweredBeforeAuthAndOnlyAllowedOriginsMayRead) {
  ServerProcess server(ServerOptions{kCorsConfig, {}, {}, {}});
  HttpClient client(server.base_url());
  const std::string origin = "Origin: https://console.example.com";
  auto preflight = client.request(
      "OPTIONS", "/v1/chat/completions", "",
      {origin, "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: authorization, content-type"});
  EXPECT_EQ(preflight.status, 204) << preflight.body;
  EXPECT_TRUE(preflight.body.empty());
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "https://console.example.com");
  EXPECT_NE(preflight.header("access-control-allow-methods").find("POST"), std::string::npos);
  EXPECT_NE(preflight.header("access-control-allow-headers").find("Authorization"), std::string::npos);
  EXPECT_EQ(preflight.header("access-control-max-age"), "600");

  auto other_origin = client.request("OPTIONS", "/v1/chat/completions", "",
                                     {"Origin: https://evil.example", "Access-Control-Request-Method: POST"});
  EXPECT_EQ(other_origin.status, 403);
  EXPECT_EQ(other_origin.json()["error"]["code"], "CORS_REJECTED");
  EXPECT_TRUE(other_origin.header("access-control-allow-origin").empty());
  EXPECT_EQ(client
                .request("OPTIONS", "/v1/chat/completions", "",
                         {origin, "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: x-evil"})
                .status,
            403);
  EXPECT_EQ(
      client.request("OPTIONS", "/v1/chat/completions", "", {origin, "Access-Control-Request-Method: TRACE"}).status,
      403);

  // A real request from the allowed origin may read the answer and its ids; auth still applies.
  auto health = client.get("/health", {origin});
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.header("access-control-allow-origin"), "https://console.example.com");
  EXPECT_EQ(health.header("vary"), "Origin");
  EXPECT_NE(health.header("access-control-expose-headers").find("X-Request-ID"), std::string::npos);
  EXPECT_NE(health.header("access-control-expose-headers").find("X-Transaction-GUID"), std::string::npos);
  auto unauthenticated = client.get("/api/stories", {origin});
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_EQ(unauthenticated.header("access-control-allow-origin"), "https://console.example.com");
  EXPECT_TRUE(client.get("/health", {"Origin: https://evil.example"}).header("access-control-allow-origin").empty());
}

TEST(Cors, CredentialsWithAnyOriginAreRefusedAtLoad) {
  ServerProcess server(ServerOptions{R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: cors, file: middleware/cors.so, config: {allowed_origins: ["*"], allow_credentials: true}}
middleware: [cors]
)",
                                     {},
                                     {},
                                     {}});
  EXPECT_NE(server.log().find("allow_credentials cannot be used with allowed_origins"), std::string::npos)
      << server.log();
}

}  // namespace
}  // namespace switchboard::test

namespace switchboard::test {
namespace {

// The resident memory of `pid`, in KiB.
long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

// A connection that sends `head` and then `body_bytes` of body; what the server answered.
std::string send_head_and_body(std::uint16_t port, const std::string& head, std::size_t body_bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return "<connect failed>";
  }
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  const std::string chunk(64 * 1024, 'x');
  for (std::size_t sent = 0; sent < body_bytes; sent += chunk.size()) {
    if (::send(fd, chunk.data(), std::min(chunk.size(), body_bytes - sent), MSG_NOSIGNAL) <= 0) break;  // shut
  }
  std::string answer;
  char buffer[4096];
  for (ssize_t got; (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
    answer.append(buffer, static_cast<std::size_t>(got));
  ::close(fd);
  return answer;
}

// Bodies were read whole before authentication: 20 unauthenticated 15 MiB POSTs took the
// server from 60 to 377 MB. A large body is now refused from its head unless its credential
// is valid, and nothing the client sends after the head is kept.
TEST(SecurityBodies, AnUnauthenticatedLargeBodyIsRefusedBeforeItIsRead) {
  // Failed logins are not what this test is about: a limit they cannot reach.
  std::string config = kConfig;
  const std::string auth = "middleware/auth.so}";
  config.replace(config.find(auth), auth.size(), "middleware/auth.so, config: {max_failures: 1000}}");
  ServerProcess server{ServerOptions{config, {}, {}, {}}};
  HttpClient client(server.base_url());
  const auto head = [](const std::string& credential, std::size_t length) {
    return "POST /api/semantic-kernel HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + credential +
           "Content-Length: " + std::to_string(length) + "\r\n\r\n";
  };
  const long before = resident_kib(server.pid());
  std::vector<std::thread> clients;
  std::vector<std::string> answers(20);
  for (int i = 0; i < 20; ++i) {
    clients.emplace_back([&, i] {
      answers[i] =
          send_head_and_body(server.port(), head(i % 2 ? "X-API-Key: sk_not_a_real_key\r\n" : "", 15 << 20), 8 << 20);
    });
  }
  for (auto& each : clients) each.join();
  const long after = resident_kib(server.pid());
  for (const auto& answer : answers) {
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 401")) << answer.substr(0, 200);
    EXPECT_NE(answer.find("Connection: Close"), std::string::npos) << answer.substr(0, 200);
  }
  // 20 × 8 MiB were sent; none of it was kept (allow for allocator noise). Measured where the
  // allocator is the server's own: ASan's (quarantine, shadow pages, per-thread caches) grew by
  // 370 MB here whatever the server kept, so the ASan build checks the answers only.
#ifndef __SANITIZE_ADDRESS__
  EXPECT_LT(after - before, 40 * 1024) << before << " KiB -> " << after << " KiB";
#else
  (void)before;
  (void)after;
#endif

  // A valid key's large body is read and served as before.
  auto made = client.post("/admin/keys", R"({"name": "uploader"})", {"Authorization: Bearer " + server.admin_token()});
  ASSERT_EQ(made.status, 201) << made.body;
  std::string story =
      R"({"primary_character": "A", "secondary_character": "B", "pad": ")" + std::string(100'000, ' ') + "\"}";
  auto served = client.post("/api/semantic-kernel", story, {"X-API-Key: " + made.json()["key"].get<std::string>()});
  EXPECT_EQ(served.status, 200) << served.body.substr(0, 300);
  EXPECT_EQ(client.get("/health").status, 200);
}

}  // namespace
}  // namespace switchboard::test
