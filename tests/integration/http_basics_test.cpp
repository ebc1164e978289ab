// The real binary on an ephemeral port, spoken to over loopback HTTP.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include <algorithm>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

class HttpBasics : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static ServerProcess* server_;
  HttpClient client_{server_->base_url()};
};
ServerProcess* HttpBasics::server_ = nullptr;

void expect_error_shape(const HttpReply& reply, long status, const std::string& code) {
  EXPECT_EQ(reply.status, status) << reply.body;
  auto body = reply.json();
  ASSERT_TRUE(body.is_object()) << reply.body;
  ASSERT_TRUE(body.contains("error")) << reply.body;
  EXPECT_EQ(body["error"]["code"], code);
  EXPECT_TRUE(body["error"]["message"].is_string());
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  EXPECT_EQ(body["error"]["request_id"], reply.header("x-request-id"));
  EXPECT_EQ(reply.header("content-type"), "application/json");
}

TEST_F(HttpBasics, HealthReportsStatusVersionAndUptime) {
  auto reply = client_.get("/health");
  ASSERT_EQ(reply.status, 200);
  auto body = reply.json();
  EXPECT_EQ(body["status"], "healthy");
  EXPECT_EQ(body["version"], SWITCHBOARD_VERSION);
  EXPECT_EQ(body["environment"], "development");
  EXPECT_TRUE(body["timestamp"].is_number());
  EXPECT_GE(body["uptime_seconds"].get<double>(), 0.0);
  EXPECT_EQ(body["request_id"], reply.header("x-request-id"));
}

TEST_F(HttpBasics, ReadinessChecksStorageAndPlugins) {
  auto reply = client_.get("/health/ready");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto body = reply.json();
  EXPECT_EQ(body["status"], "ready");
  EXPECT_EQ(body["checks"]["plugins"]["status"], "ok");
  EXPECT_EQ(body["checks"]["plugins"]["loaded"], 9);
  EXPECT_EQ(body["checks"]["storage"]["status"], "ok");
  EXPECT_EQ(body["checks"]["storage"]["engine"], "sqlite");
  // Public: states, never where the data lives.
  EXPECT_EQ(reply.body.find("switchboard.db"), std::string::npos) << reply.body;
  EXPECT_EQ(reply.body.find('/', reply.body.find("checks")), std::string::npos) << reply.body;
}

TEST_F(HttpBasics, ProviderInfoShowsTheOfflineDefault) {
  auto body = client_.get("/api/provider").json();
  EXPECT_EQ(body["provider"], "Mock");
  EXPECT_EQ(body["model"], "mock-1");
  EXPECT_EQ(body["configured"], true);
}

TEST_F(HttpBasics, UnknownRouteIs404WithTheErrorShape) {
  expect_error_shape(client_.get("/no/such/route"), 404, "NOT_FOUND");
}

TEST_F(HttpBasics, WrongMethodIs405WithAllow) {
  auto reply = client_.request("DELETE", "/health");
  expect_error_shape(reply, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(reply.header("allow"), "GET");
}

TEST_F(HttpBasics, MalformedJsonIs400) {
  auto admin = client_.post("/admin/plugins", "{\"file\": ", {"Authorization: Bearer " + server_->admin_token()});
  expect_error_shape(admin, 400, "INVALID_JSON");
  auto not_object = client_.post("/admin/plugins", "[1,2]", {"Authorization: Bearer " + server_->admin_token()});
  expect_error_shape(not_object, 400, "INVALID_REQUEST");
}

TEST_F(HttpBasics, AdminNeedsTheToken) {
  auto missing = client_.get("/admin/plugins");
  expect_error_shape(missing, 401, "UNAUTHORIZED");
  EXPECT_EQ(missing.header("www-authenticate"), "Bearer");
  expect_error_shape(client_.get("/admin/plugins", {"Authorization: Bearer not-the-token-at-all"}), 403, "FORBIDDEN");
  expect_error_shape(client_.get("/admin/plugins", {"Authorization: Basic YWRtaW46YWRtaW4="}), 401, "UNAUTHORIZED");
  // Unknown admin paths reveal nothing without the token.
  expect_error_shape(client_.get("/admin/secret-route"), 401, "UNAUTHORIZED");
  auto ok = client_.get("/admin/plugins", {"Authorization: Bearer " + server_->admin_token()});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.json()["plugins"].size(), 9u);
}

TEST_F(HttpBasics, GeneratedAdminTokenFileIsPrivate) {
  struct stat info {};
  ASSERT_EQ(::stat((server_->data_dir() / "admin.token").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_GE(server_->admin_token().size(), 32u);
}

TEST_F(HttpBasics, SecurityHeadersOnEveryResponseAndHstsOnlyBehindHttps) {
  for (const auto& reply : {client_.get("/health"), client_.get("/missing")}) {
    EXPECT_EQ(reply.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(reply.header("x-frame-options"), "DENY");
    EXPECT_EQ(reply.header("x-xss-protection"), "1; mode=block");
    EXPECT_EQ(reply.header("content-security-policy"),
              "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
              "frame-ancestors 'none'");
    EXPECT_EQ(reply.header("strict-transport-security"), "");
  }
  auto https = client_.get("/health", {"X-Forwarded-Proto: https"});
  EXPECT_EQ(https.header("strict-transport-security"), "max-age=31536000; includeSubDomains");
}

TEST_F(HttpBasics, OversizedBodyIs413WithTheFigures) {
  std::string body(2 * 1024 * 1024, 'a');
  auto reply = client_.post("/v1/frameworks/echo/tasks/echo", body);
  expect_error_shape(reply, 413, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(reply.json()["error"]["message"],
            "Request body too large. Maximum size: 1048576 bytes, received: 2097152 bytes");
  EXPECT_EQ(client_.get("/health").status, 200);  // and the server carries on
}

TEST_F(HttpBasics, RequestIdIsEchoedWhenSaneAndReplacedOtherwise) {
  auto kept = client_.get("/health", {"X-Request-ID: trace-abc.123"});
  EXPECT_EQ(kept.header("x-request-id"), "trace-abc.123");
  EXPECT_EQ(kept.json()["request_id"], "trace-abc.123");
  auto replaced = client_.get("/health", {"X-Request-ID: <script>alert(1)</script>"});
  EXPECT_TRUE(std::regex_match(replaced.header("x-request-id"), std::regex("req_[0-9a-f]{32}")));
  auto generated = client_.get("/health");
  EXPECT_TRUE(std::regex_match(generated.header("x-request-id"), std::regex("req_[0-9a-f]{32}")));
  EXPECT_TRUE(std::regex_match(generated.header("x-transaction-guid"),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_NE(generated.header("x-transaction-guid"), client_.get("/health").header("x-transaction-guid"));
}

TEST_F(HttpBasics, KeepAliveReusesOneConnection) {
  HttpClient fresh(server_->base_url());
  auto first = fresh.get("/health");
  EXPECT_EQ(first.connections_opened, 1);
  EXPECT_EQ(first.header("connection"), "Keep-Alive");
  for (int i = 0; i < 20; ++i) {
    auto next = fresh.get("/health");
    ASSERT_EQ(next.status, 200);
    EXPECT_EQ(next.connections_opened, 0) << "request " << i << " opened a new connection";
  }
  auto closing = fresh.get("/health", {"Connection: close"});
  EXPECT_EQ(closing.header("connection"), "Close");
}

TEST_F(HttpBasics, AClientThatAsksToCloseSeesTheConnectionClosed) {
  // The server said "Connection: close" but kept the connection until its idle reaper came:
  // a client reading to the end waited minutes, and its socket stayed taken meanwhile.
  for (const std::string path : {"/health", "/api/provider", "/no-such-route"}) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server_->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string answer;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::recv(fd, buffer, sizeof buffer, 0)) > 0) answer.append(buffer, static_cast<std::size_t>(got));
    ::close(fd);
    EXPECT_EQ(got, 0) << path << ": the connection was still open after 5 s";
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 ")) << path << ": " << answer;
    EXPECT_NE(answer.find("\r\n\r\n{"), std::string::npos) << path << ": the whole answer arrives first";
  }
}

TEST_F(HttpBasics, MetricsAreExposedInPrometheusFormat) {
  client_.get("/health");
  auto reply = client_.get("/metrics");
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(reply.body.find("switchboard_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"}"),
            std::string::npos)
      << reply.body.substr(0, 2000);
}

TEST_F(HttpBasics, FrameworksListTheLoadedFrameworkPlugins) {
  auto reply = client_.get("/v1/frameworks");
  ASSERT_EQ(reply.status, 200);
  const auto frameworks = reply.json()["frameworks"];
  ASSERT_EQ(frameworks.size(), 3u);  // the embedded defaults load `kernel`, `chain` and `graph`
  std::set<std::string> names;
  for (const auto& framework : frameworks) {
    names.insert(framework["name"].get<std::string>());
    const auto tasks = framework["tasks"].get<std::vector<std::string>>();
    EXPECT_EQ(std::vector<std::string>(tasks.begin(), tasks.begin() + 3),
              (std::vector<std::string>{"story", "chat", "context"}));
    // Chains and graphs also run declarative workflows.
    EXPECT_EQ(std::count(tasks.begin(), tasks.end(), "workflow"), framework["name"] == "kernel" ? 0 : 1);
  }
  EXPECT_EQ(names, (std::set<std::string>{"kernel", "chain", "graph"}));
  expect_error_shape(client_.post("/v1/frameworks/absent/tasks/story", "{}"), 404, "NOT_FOUND");
  expect_error_shape(client_.post("/v1/frameworks/kernel/tasks/nope", "{}"), 404, "NOT_FOUND");
  // A story without its characters: the template names what is missing.
  expect_error_shape(client_.post("/v1/frameworks/kernel/tasks/story", "{}"), 422, "VALIDATION_ERROR");
}

TEST_F(HttpBasics, SecretsNeverReachTheLog) {
  client_.get("/admin/plugins", {"Authorization: Bearer sk-live-0123456789abcdefSECRET"});
  client_.get("/admin/plugins", {"Authorization: Bearer " + server_->admin_token()});
  const std::string log = server_->log();
  EXPECT_EQ(log.find("0123456789abcdefSECRET"), std::string::npos);
  EXPECT_EQ(log.find(server_->admin_token()), std::string::npos);
  EXPECT_NE(log.find("admin token rejected"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::test
