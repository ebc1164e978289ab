// Retries, backoff, circuit breakers and fallback through the real binary and the fake
// upstream, plus the internal resilience API.
#include <gtest/gtest.h>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string chat(const std::string& model) {
  return nlohmann::json{{"model", model}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}}.dump();
}

class Resilience : public ::testing::Test {
 protected:
  void start(const std::string& resilience, const std::string& routing = "") {
    server_ = std::make_unique<ServerProcess>(ServerOptions{R"(
plugins:
  - {name: openai, file: providers/openai.so}
  - {name: mock, file: providers/mock.so}
middleware: []
providers:
  - {name: primary, plugin: openai, base_url: )" + upstream_.base_url() +
                                                                R"(, model: echo}
  - {name: broken, plugin: openai, base_url: )" + upstream_.base_url() +
                                                                R"(, model: status-500}
  - {name: healthy, plugin: openai, base_url: )" + upstream_.base_url() +
                                                                R"(, model: echo-2}
  - {name: mock, plugin: mock, model: mock-1}
default_provider: primary
resilience:
)" + resilience + "\n" + routing,
                                                            {},
                                                            {},
                                                            assemble_plugin_dir(plugins_.path())});
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }
  std::size_t upstream_calls(const std::string& model) {
    std::size_t n = 0;
    for (const auto& seen : upstream_.requests()) n += seen.body.value("model", "") == model ? 1 : 0;
    return n;
  }
  HttpReply admin(const std::string& method, const std::string& path) {
    return client_->request(method, path, "", {"Authorization: Bearer " + server_->admin_token()});
  }

  FakeUpstream upstream_;
  TempDir plugins_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(Resilience, RetriesAreCountedBoundedAndBackedOffWithinBounds) {
  start("  custom: {retry_attempts: 2, circuit_breaker_threshold: 100, backoff_base_ms: 100, backoff_max_ms: 150}");
  const auto started = Clock::now();
  auto reply = client_->post("/v1/chat/completions", chat("primary/status-503"));
  const auto elapsed = Clock::now() - started;
  EXPECT_EQ(reply.status, 502);
  EXPECT_EQ(reply.header("x-switchboard-attempts"), "3");
  EXPECT_EQ(upstream_calls("status-503"), 3u);  // the first try and exactly two retries
  // Full jitter: each wait is in [0, min(150, 100·2^n)] ms, so two waits take at most 250 ms.
  EXPECT_LT(elapsed, std::chrono::milliseconds(250 + 400));
  // Not retried: a request that would fail anywhere.
  auto bad = client_->post("/v1/chat/completions", chat("primary/status-400"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(upstream_calls("status-400"), 1u);
}

TEST_F(Resilience, RetryAfterIsHonoured) {
  start("  custom: {retry_attempts: 1, circuit_breaker_threshold: 100, backoff_base_ms: 1, backoff_max_ms: 1}");
  const auto started = Clock::now();
  auto reply = client_->post("/v1/chat/completions", chat("primary/status-429"));
  const auto elapsed = Clock::now() - started;
  EXPECT_EQ(reply.status, 429);
  EXPECT_EQ(upstream_calls("status-429"), 2u);
  EXPECT_GE(elapsed, std::chrono::milliseconds(950));  // the fake says Retry-After: 1
}

TEST_F(Resilience, TheBreakerOpensThenRecoversThroughOneProbe) {
  start("  custom: {retry_attempts: 0, circuit_breaker_threshold: 2, recovery_timeout_seconds: 1}");
  EXPECT_EQ(client_->post("/v1/chat/completions", chat("primary/status-503")).status, 502);
  EXPECT_EQ(client_->post("/v1/chat/completions", chat("primary/status-503")).status, 502);
  auto breakers = admin("GET", "/internal/resilience/circuit-breakers").json();
  EXPECT_EQ(breakers["circuit_breakers"]["primary"]["state"], "open");
  EXPECT_EQ(breakers["circuit_breakers"]["primary"]["consecutive_failures"], 2);
  EXPECT_EQ(admin("GET", "/internal/resilience/health").json()["status"], "degraded");

  // Open: the instance is not called at all.
  const auto before = upstream_.requests().size();
  auto refused = client_->post("/v1/chat/completions", chat("primary/echo"));
  EXPECT_EQ(refused.status, 502);
  EXPECT_NE(refused.json()["error"]["message"].get<std::string>().find("circuit breaker"), std::string::npos);
  EXPECT_EQ(upstream_.requests().size(), before);

  // After the recovery timeout one probe goes through; its success closes the breaker.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(admin("GET", "/internal/resilience/circuit-breakers").json()["circuit_breakers"]["primary"]["state"],
            "half_open");
  EXPECT_EQ(client_->post("/v1/chat/completions", chat("primary/echo")).status, 200);
  EXPECT_EQ(admin("GET", "/internal/resilience/circuit-breakers").json()["circuit_breakers"]["primary"]["state"],
            "closed");
}

TEST_F(Resilience, ABreakerCanBeResetByHand) {
  start("  custom: {retry_attempts: 0, circuit_breaker_threshold: 1, recovery_timeout_seconds: 600}");
  client_->post("/v1/chat/completions", chat("primary/status-500"));
  EXPECT_EQ(admin("GET", "/internal/resilience/circuit-breakers").json()["circuit_breakers"]["primary"]["state"],
            "open");
  EXPECT_EQ(admin("POST", "/internal/resilience/circuit-breakers/primary/reset").status, 200);
  EXPECT_EQ(client_->post("/v1/chat/completions", chat("primary/echo")).status, 200);
  EXPECT_EQ(admin("POST", "/internal/resilience/circuit-breakers/nowhere/reset").status, 404);
  EXPECT_EQ(client_->get("/internal/resilience/circuit-breakers").status, 401);  // always the admin token
}

TEST_F(Resilience, FallsBackInTheConfiguredOrder) {
  start("  custom: {retry_attempts: 1, circuit_breaker_threshold: 100, backoff_base_ms: 1, backoff_max_ms: 5}",
        "routing:\n  fallbacks: {broken: [healthy, primary]}\n");
  auto reply = client_->post("/v1/chat/completions", chat("broken/status-503"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("x-switchboard-provider"), "healthy");
  EXPECT_EQ(reply.header("x-switchboard-attempts"), "3");  // broken twice (one retry), then healthy
  EXPECT_EQ(upstream_calls("status-503"), 2u);
  EXPECT_EQ(reply.json()["choices"][0]["message"]["content"], "echo: hi");
}

TEST_F(Resilience, PresetsFollowTheSeed) {
  start("  preset: production");
  auto body = admin("GET", "/internal/resilience/config/presets").json();
  EXPECT_EQ(body["presets"]["simple"]["retry_attempts"], 3);
  EXPECT_EQ(body["presets"]["simple"]["circuit_breaker_threshold"], 5);
  EXPECT_EQ(body["presets"]["simple"]["recovery_timeout_seconds"], 60);
  EXPECT_EQ(body["presets"]["development"]["retry_attempts"], 2);
  EXPECT_EQ(body["presets"]["development"]["recovery_timeout_seconds"], 30);
  EXPECT_EQ(body["presets"]["production"]["circuit_breaker_threshold"], 10);
  EXPECT_EQ(body["presets"]["production"]["recovery_timeout_seconds"], 120);
  EXPECT_EQ(body["active"]["preset"], "production");
}

TEST(ResilienceConfig, EnvironmentSelectsPresetAndCustomJson) {
  TempDir dir;
  auto bad = run_switchboard({"serve", "--data-dir", (dir.path() / "d").string(), "--port", "0"},
                             {{"RESILIENCE_CUSTOM_CONFIG", "{\"retry_attempts\": \"many\"}"}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("resilience.custom"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("RESILIENCE_CUSTOM_CONFIG"), std::string::npos) << bad.output;
  auto unknown = run_switchboard({"serve", "--data-dir", (dir.path() / "d").string(), "--port", "0"},
                                 {{"RESILIENCE_PRESET", "reckless"}});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("RESILIENCE_PRESET"), std::string::npos) << unknown.output;
}

}  // namespace
}  // namespace switchboard::test
