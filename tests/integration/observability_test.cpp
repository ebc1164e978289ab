// Observability through the real tools operators use: /metrics after real traffic passes
// `promtool check metrics` and carries every family the host promises (HTTP, LLM calls with
// tokens and cost, gateway overhead, cache, breakers, retries, plugins, worker pool, rate
// limits, process); a real Prometheus scrapes the server and answers queries about it; the
// deploy kit's alert rules and configuration pass promtool, its alert unit tests pass, and
// every metric the Grafana dashboard queries exists.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>

#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "../support/command.hpp"
#include "../support/fake_upstream.hpp"
#include "../support/free_port.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string source(const std::string& relative) { return std::string(SWITCHBOARD_SOURCE_DIR) + "/" + relative; }

std::string config(const FakeUpstream& upstream, const std::string& extra = "") {
  return R"(
plugins:
  - {name: openai, file: providers/openai.so}
  - {name: price-table, file: cost/price-table.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: rate-limit, file: middleware/rate-limit.so, config: {limits: {global: 1000, generation: 1000, health: 2}}}
middleware: [rate-limit]
providers:
  - {name: fake, plugin: openai, base_url: )" +
         upstream.base_url() + R"(, model: gpt-4o-mini, cost_model: price-table}
  - {name: down, plugin: openai, base_url: )" +
         upstream.base_url() + R"(, model: status-503}
  - {name: flaky, plugin: openai, base_url: )" +
         upstream.base_url() + R"(, model: status-500}
default_provider: fake
routing: {fallbacks: {flaky: [fake]}}
resilience:
  custom: {retry_attempts: 1, circuit_breaker_threshold: 2, recovery_timeout_seconds: 600, backoff_base_ms: 1, backoff_max_ms: 1}
)" + extra;
}

std::string chat(const std::string& model, const std::string& text) {
  return json{{"model", model}, {"messages", {{{"role", "user"}, {"content", text}}}}}.dump();
}

// The value of the sample whose line starts with `series` (name and labels as exposed).
double sample(const std::string& exposition, const std::string& series) {
  const auto at = exposition.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(exposition.substr(at + series.size() + 2));
}

class Observability : public ::testing::Test {
 protected:
  FakeUpstream upstream_;
  ServerProcess server_{ServerOptions{config(upstream_), {}, {}, {}}};
  HttpClient client_{server_.base_url()};

  // Traffic that touches every family: a framework story, a gateway call answered twice (the
  // second from the cache), a provider that fails (a retry, then its breaker opens), one that
  // fails over to another, and health checks beyond their rate limit.
  void traffic() {
    ASSERT_EQ(client_.post("/api/semantic-kernel", R"({"primary_character":"Ada","secondary_character":"Bob"})").status,
              200);
    for (int i = 0; i < 2; ++i)
      ASSERT_EQ(client_.post("/v1/chat/completions", chat("fake/gpt-4o-mini", "hello")).status, 200);
    for (int i = 0; i < 2; ++i)
      EXPECT_EQ(client_.post("/v1/chat/completions", chat("down/status-503", "x")).status, 502);
    EXPECT_EQ(client_.post("/v1/chat/completions", chat("flaky/status-500", "y")).status, 200);
    for (int i = 0; i < 3; ++i) client_.get("/health");
  }
};

TEST_F(Observability, MetricsAfterTrafficPassPromtoolAndCarryEveryFamily) {
  traffic();
  auto reply = client_.get("/metrics");
  ASSERT_EQ(reply.status, 200);
  const std::string& text = reply.body;
  TempDir dir;
  const fs::path file = dir.path() / "metrics.txt";
  std::ofstream(file) << text;
  const auto [status, output] = run_command("promtool check metrics < '" + file.string() + "'");
  EXPECT_EQ(status, 0) << output;

  const std::string llm = R"({framework="kernel",model="gpt-4o-mini",provider="fake"})";
  EXPECT_GE(sample(text,
                   "switchboard_llm_requests_total{framework=\"kernel\",model=\"gpt-4o-mini\",provider=\"fake\","
                   "status=\"ok\"}"),
            1)
      << text;
  EXPECT_GT(
      sample(text,
             R"(switchboard_llm_tokens_total{framework="kernel",model="gpt-4o-mini",provider="fake",type="input"})"),
      0);
  EXPECT_GT(
      sample(text,
             R"(switchboard_llm_tokens_total{framework="kernel",model="gpt-4o-mini",provider="fake",type="output"})"),
      0);
  EXPECT_GT(sample(text, "switchboard_llm_cost_usd_total" + llm), 0);
  EXPECT_GE(sample(text, "switchboard_llm_request_duration_seconds_count" + llm), 1);
  // The gateway: one upstream call then a cache hit (not an LLM call), and the fallback's call.
  EXPECT_EQ(
      sample(text,
             R"(switchboard_llm_requests_total{framework="gateway",model="gpt-4o-mini",provider="fake",status="ok"})"),
      2);
  EXPECT_EQ(sample(text, R"(switchboard_cache_operations_total{operation="hit"})"), 1);
  EXPECT_GE(sample(text, R"(switchboard_gateway_overhead_seconds_count{method="POST",route="/v1/chat/completions"})"),
            1);
  // The failing provider: tried twice (one retry), which opened its breaker, so the second
  // request failed at once. The flaky one likewise, and then moved on to `fake`.
  EXPECT_EQ(sample(text, R"(switchboard_llm_retries_total{provider="down",reason="upstream_error"})"), 1) << text;
  EXPECT_EQ(sample(text, R"(switchboard_llm_requests_total{framework="gateway",model="status-503",provider="down",)"
                         R"(status="upstream_error"})"),
            2);
  EXPECT_EQ(sample(text, R"(switchboard_circuit_breaker_state{provider="down",state="open"})"), 1);
  EXPECT_EQ(sample(text, R"(switchboard_llm_retries_total{provider="flaky",reason="upstream_error"})"), 1);
  EXPECT_EQ(sample(text, R"(switchboard_llm_fallbacks_total{from="flaky",to="fake"})"), 1);
  EXPECT_EQ(sample(text, R"(switchboard_circuit_breaker_state{provider="fake",state="closed"})"), 1);
  EXPECT_EQ(sample(text, R"(switchboard_plugin_operations_total{operation="load",result="ok"})"), 4);
  EXPECT_EQ(sample(text, R"(switchboard_rate_limit_rejections_total{class="health"})"), 1);
  EXPECT_EQ(sample(text, R"(switchboard_http_requests_total{method="GET",route="/health",status="429"})"), 1);
  EXPECT_EQ(sample(text, "switchboard_worker_pool_threads"), 16);
  EXPECT_GE(sample(text, "switchboard_worker_pool_queue_depth"), 0);
  EXPECT_GT(sample(text, "process_resident_memory_bytes"), 1e6);
  EXPECT_GT(sample(text, "process_open_fds"), 3);
  EXPECT_GT(sample(text, "process_threads"), 2);
}

TEST_F(Observability, ARealPrometheusScrapesTheServerAndAnswersQueries) {
  traffic();
  TempDir dir;
  const int port = free_port();
  std::ofstream(dir.path() / "prometheus.yml") << "global: {scrape_interval: 1s}\n"
                                                  "scrape_configs:\n"
                                                  "  - job_name: switchboard\n"
                                                  "    static_configs: [{targets: ['127.0.0.1:"
                                               << server_.port() << "']}]\n";
  const std::string command = "exec prometheus --config.file='" + (dir.path() / "prometheus.yml").string() +
                              "' --storage.tsdb.path='" + (dir.path() / "data").string() +
                              "' --web.listen-address=127.0.0.1:" + std::to_string(port) + " > '" +
                              (dir.path() / "prometheus.log").string() + "' 2>&1";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  HttpClient prometheus("http://127.0.0.1:" + std::to_string(port));
  json result;
  const std::string query =
      "/api/v1/query?query=" + std::string("switchboard_llm_requests_total%7Bprovider%3D%22fake%22%7D");
  for (int i = 0; i < 300 && result.empty(); ++i) {  // up to 30 s: start-up, then the first scrapes
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto reply = prometheus.get(query);
    if (reply.status == 200 && reply.json()["status"] == "success") result = reply.json()["data"]["result"];
  }
  auto up = prometheus.get("/api/v1/query?query=up").json();
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  ASSERT_FALSE(result.empty()) << std::ifstream(dir.path() / "prometheus.log").rdbuf();
  std::set<std::string> frameworks;
  for (const auto& series : result) {
    EXPECT_EQ(series["metric"]["job"], "switchboard");
    EXPECT_EQ(series["metric"]["instance"], "127.0.0.1:" + std::to_string(server_.port()));
    frameworks.insert(series["metric"]["framework"].get<std::string>());
  }
  EXPECT_EQ(frameworks, (std::set<std::string>{"gateway", "kernel"}));
  ASSERT_EQ(up["data"]["result"].size(), 1u) << up.dump();
  EXPECT_EQ(up["data"]["result"][0]["value"][1], "1");
  // Kept for the closing note: what a real query returned.
  std::ofstream(std::string(SWITCHBOARD_REPORT_DIR) + "/prometheus-query.json") << json(result).dump(2) << "\n";
}

TEST_F(Observability, EveryMetricTheDashboardQueriesIsExposed) {
  traffic();
  const std::string text = client_.get("/metrics").body;
  std::ifstream in(source("config/deploy/grafana-dashboard.json"));
  const json dashboard = json::parse(in, nullptr, false);
  ASSERT_TRUE(dashboard.is_object());
  const std::regex metric(R"(\b((switchboard|process)_[a-z_]+))");
  std::set<std::string> queried;
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel["targets"]) {
      const std::string expr = target["expr"];
      for (std::sregex_iterator it(expr.begin(), expr.end(), metric), end; it != end; ++it) {
        // A histogram is queried by its series (_bucket, _sum, _count) and exposed by its name.
        queried.insert(std::regex_replace((*it)[1].str(), std::regex("_(bucket|sum|count)$"), ""));
      }
    }
  }
  EXPECT_GE(queried.size(), 20u);
  for (const auto& name : queried) {
    EXPECT_NE(text.find("# TYPE " + name + " "), std::string::npos) << name << " is not exposed";
  }
}

TEST(ObservabilityKit, AlertRulesAndScrapeConfigPassPromtoolAndTheirUnitTests) {
  auto rules = run_command("promtool check rules '" + source("config/deploy/alerts.yml") + "'");
  EXPECT_EQ(rules.exit_code, 0) << rules.output;
  EXPECT_NE(rules.output.find("SUCCESS: 7 rules found"), std::string::npos) << rules.output;
  auto config = run_command("promtool check config '" + source("config/deploy/prometheus.yml") + "'");
  EXPECT_EQ(config.exit_code, 0) << config.output;
  auto tests = run_command("cd '" + source("tests/prometheus") + "' && promtool test rules alerts_test.yml");
  EXPECT_EQ(tests.exit_code, 0) << tests.output;
}

TEST(ObservabilityAccess, MetricsCanRequireTheAdminToken) {
  FakeUpstream upstream;
  ServerProcess server{ServerOptions{config(upstream, "metrics: {require_token: true}\n"), {}, {}, {}}};
  HttpClient client{server.base_url()};
  EXPECT_EQ(client.get("/metrics").status, 401);
  EXPECT_EQ(client.get("/metrics", {"Authorization: Bearer wrong"}).status, 403);
  auto reply = client.get("/metrics", {"Authorization: Bearer " + server.admin_token()});
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("process_resident_memory_bytes"), std::string::npos);
}

// Tracing and the log viewer: a server that logs every request (debug) to a file.
class TracingAndLogs : public ::testing::Test {
 protected:
  FakeUpstream upstream_;
  TempDir logs_;
  ServerProcess server_{
      ServerOptions{fake_upstream_config(upstream_, {{"fake", "echo"}}) +
                        "logging: {level: debug, file: " + (logs_.path() / "switchboard.log").string() + "}\n",
                    {},
                    {},
                    {}}};
  HttpClient client_{server_.base_url()};

  std::string admin() const { return "Authorization: Bearer " + server_.admin_token(); }
  FakeUpstream::Seen last_upstream_call() const { return upstream_.requests().back(); }
};

TEST_F(TracingAndLogs, ATraceparentIsContinuedUpstreamAndStartedWhenMissing) {
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  auto reply = client_.post("/v1/chat/completions", chat("fake/echo", "traced"),
                            {"traceparent: 00-" + trace_id + "-00f067aa0ba902b7-01", "tracestate: congo=t61rcWkgMzE"});
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto sent = last_upstream_call();
  const std::string parent = sent.header("traceparent");
  ASSERT_EQ(parent.size(), 55u) << parent;
  EXPECT_EQ(parent.substr(0, 36), "00-" + trace_id + "-");
  EXPECT_NE(parent.substr(36, 16), "00f067aa0ba902b7");  // our own span is the parent upstream
  EXPECT_EQ(parent.substr(52), "-01");
  EXPECT_EQ(sent.header("tracestate"), "congo=t61rcWkgMzE");

  ASSERT_EQ(client_.post("/v1/chat/completions", chat("fake/echo", "untraced")).status, 200);
  sent = last_upstream_call();
  ASSERT_EQ(sent.header("traceparent").size(), 55u);
  EXPECT_NE(sent.header("traceparent").substr(3, 32), trace_id);
  EXPECT_EQ(sent.header("tracestate"), "");

  // Every line logged for the traced request carries its trace id.
  auto logs = client_.get("/internal/logs?trace_id=" + trace_id, {admin()});
  ASSERT_EQ(logs.status, 200) << logs.body;
  ASSERT_GE(logs.json()["count"].get<int>(), 1) << logs.body;
  const json traced = logs.json()["logs"];  // owned: a temporary's parts die with it
  for (const auto& line : traced) {
    EXPECT_EQ(line["trace_id"], trace_id);
    EXPECT_EQ(line["request_id"], reply.header("x-request-id"));
  }
}

TEST_F(TracingAndLogs, TheLogViewerFiltersByRequestLevelTimeAndLimit) {
  auto story = client_.post("/v1/chat/completions", chat("fake/echo", "hello"), {"X-Request-ID: logs-test-1"});
  ASSERT_EQ(story.status, 200);
  EXPECT_EQ(client_.get("/internal/logs").status, 401);  // admin token, always

  auto mine = client_.get("/internal/logs?request_id=logs-test-1", {admin()});
  ASSERT_EQ(mine.status, 200) << mine.body;
  const json lines = mine.json()["logs"];
  ASSERT_GE(lines.size(), 1u);
  bool served = false;
  for (const auto& line : lines) {
    EXPECT_EQ(line["request_id"], "logs-test-1");
    served = served || line["message"] == "request served";
  }
  EXPECT_TRUE(served) << lines.dump();

  auto newest = client_.get("/internal/logs?limit=1", {admin()});
  ASSERT_EQ(newest.json()["count"], 1);
  EXPECT_TRUE(newest.json()["truncated"].get<bool>());
  auto all = client_.get("/internal/logs?limit=1000", {admin()}).json()["logs"];
  ASSERT_GE(all.size(), 2u);
  EXPECT_GE(all[0]["timestamp"].get<std::string>(), all[all.size() - 1]["timestamp"].get<std::string>());

  const json warnings = client_.get("/internal/logs?level=warn&limit=1000", {admin()}).json()["logs"];
  for (const auto& line : warnings) {
    EXPECT_TRUE(line["level"] == "warn" || line["level"] == "error") << line.dump();
  }
  EXPECT_EQ(client_.get("/internal/logs?since=2999-01-01T00:00:00Z", {admin()}).json()["count"], 0);
  EXPECT_GE(client_.get("/internal/logs?since=10m", {admin()}).json()["count"].get<int>(), 1);

  auto bad = client_.get("/internal/logs?since=yesterday", {admin()});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["code"], "INVALID_REQUEST");
  EXPECT_FALSE(bad.json()["error"]["request_id"].get<std::string>().empty());
}

TEST(LogViewer, WithoutALogFileSaysSo) {
  FakeUpstream upstream;
  ServerProcess server{ServerOptions{fake_upstream_config(upstream, {{"fake", "echo"}}), {}, {}, {}}};
  auto reply = HttpClient(server.base_url()).get("/internal/logs", {"Authorization: Bearer " + server.admin_token()});
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.json()["error"]["code"], "LOGS_NOT_CONFIGURED");
}

}  // namespace
}  // namespace switchboard::test
