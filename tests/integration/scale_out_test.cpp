// Two instances on one PostgreSQL and one Redis, behind nginx with config/deploy/nginx.conf:
// traffic through nginx reaches both and streams; a conversation started on one continues on
// the other; jobs submitted to one run exactly once between them; a chat allowance is shared;
// a plugin reload made on one instance is made on the other (cluster.plugin_sync), and so is
// a canary, whose rollback on one instance ends it on both; a key's budget holds across both.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "../support/free_port.hpp"
#include "../support/http_client.hpp"
#include "../support/postgres_server.hpp"
#include "../support/redis_server.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

// nginx running config/deploy/nginx.conf with the two instances' ports and its own.
class Nginx {
 public:
  Nginx(std::uint16_t first, std::uint16_t second) : port_(static_cast<std::uint16_t>(free_port())) {
    std::string conf = read_file(fs::path(SWITCHBOARD_SOURCE_DIR) / "config/deploy/nginx.conf");
    replace_once(conf, "127.0.0.1:8001", "127.0.0.1:" + std::to_string(first));
    replace_once(conf, "127.0.0.1:8002", "127.0.0.1:" + std::to_string(second));
    replace_once(conf, "listen 127.0.0.1:8080", "listen 127.0.0.1:" + std::to_string(port_));
    replace_once(conf, "worker_processes auto;", "worker_processes 1;\ndaemon off;");
    std::ofstream(dir_.path() / "nginx.conf") << conf;
    pid_ = fork();
    if (pid_ == 0) {
      execlp("nginx", "nginx", "-p", dir_.path().c_str(), "-c", (dir_.path() / "nginx.conf").c_str(), nullptr);
      _exit(127);
    }
    HttpClient probe(url());
    for (int i = 0; i < 100 && probe.get("/health").status != 200; ++i) std::this_thread::sleep_for(50ms);
  }
  ~Nginx() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string error_log() const { return read_file(dir_.path() / "error.log"); }

 private:
  TempDir dir_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

class ScaleOut : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    redis_ = new RedisServer();
    const std::string database = PostgresServer::shared().create_database("scale_out");
    const std::string config = R"(
plugins:
  - {name: mock, file: providers/mock.so, config: {chunk_delay_ms: 5}}
  - {name: free, file: cost/free.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: chain, file: frameworks/chain.so}
  - {name: security-headers, file: middleware/security-headers.so}
  - {name: rate-limit, file: middleware/rate-limit.so, config: {limits: {chat: 6, generation: 1000, global: 100000}}}
middleware: [security-headers, rate-limit]
jobs: {heartbeat_seconds: 1, stale_after_seconds: 3}
)";
    const std::map<std::string, std::string> environment = {{"DATABASE_URL", database}, {"REDIS_URL", redis_->url()}};
    first_ = new ServerProcess(ServerOptions{config, {}, environment, {}});
    second_ = new ServerProcess(ServerOptions{config, {}, environment, {}});
    nginx_ = new Nginx(first_->port(), second_->port());
  }
  static void TearDownTestSuite() {
    delete nginx_;
    delete second_;
    delete first_;
    delete redis_;
  }

  static std::string admin(const ServerProcess& server) { return "Authorization: Bearer " + server.admin_token(); }
  // Requests this instance answered so far, from its own /metrics.
  static double requests_served(const ServerProcess& server) {
    auto metrics = HttpClient(server.base_url()).get("/metrics").body;
    double total = 0;
    std::istringstream lines(metrics);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("switchboard_http_requests_total{") && line.find("/api/") != std::string::npos)
        total += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return total;
  }
  // The shared trail's events of `action`, newest first. Both instances write to it, and in
  // no fixed order: the one that made a change and the one it reached each record their own.
  static json audit_events(const std::string& action) {
    return HttpClient(first_->base_url()).get("/internal/audit?action=" + action, {admin(*first_)}).json()["events"];
  }
  // The event of `action` an instance recorded for a change made on the other (its actor is
  // "cluster:<origin>"), waiting for it up to 5 s; null when none came.
  static json cluster_event(const std::string& action) {
    for (int i = 0; i < 100; ++i) {
      for (const auto& event : audit_events(action)) {
        if (event["actor"].get<std::string>().starts_with("cluster:")) return event;
      }
      std::this_thread::sleep_for(50ms);
    }
    return nullptr;
  }

  static RedisServer* redis_;
  static ServerProcess* first_;
  static ServerProcess* second_;
  static Nginx* nginx_;
};
RedisServer* ScaleOut::redis_ = nullptr;
ServerProcess* ScaleOut::first_ = nullptr;
ServerProcess* ScaleOut::second_ = nullptr;
Nginx* ScaleOut::nginx_ = nullptr;

TEST_F(ScaleOut, NginxSpreadsRequestsOverBothAndStreamsThrough) {
  HttpClient through(nginx_->url());
  const double first_before = requests_served(*first_), second_before = requests_served(*second_);
  for (int i = 0; i < 8; ++i) {
    auto story =
        through.post("/api/semantic-kernel",
                     json({{"primary_character", "Ada" + std::to_string(i)}, {"secondary_character", "Bo"}}).dump());
    ASSERT_EQ(story.status, 200) << story.body << nginx_->error_log();
  }
  EXPECT_GT(requests_served(*first_), first_before);
  EXPECT_GT(requests_served(*second_), second_before);
  // Both wrote to the one store: every story is listed by either instance.
  const auto listed = HttpClient(second_->base_url()).get("/api/stories?limit=100").json();
  EXPECT_GE(listed["total"].get<int>(), 8);

  auto streamed = through.post(
      "/v1/chat/completions",
      R"({"model": "mock/mock-1", "stream": true, "messages": [{"role": "user", "content": "stream me through nginx"}]})");
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.header("content-type"), "text/event-stream");
  EXPECT_NE(streamed.body.find("chat.completion.chunk"), std::string::npos);
  EXPECT_NE(streamed.body.find("data: [DONE]"), std::string::npos);
}

TEST_F(ScaleOut, AConversationStartedOnOneContinuesOnTheOther) {
  HttpClient one(first_->base_url()), two(second_->base_url());
  auto started = one.post("/api/chat/langchain", R"({"message": "Hello from the first instance"})");
  ASSERT_EQ(started.status, 200) << started.body;
  const auto id = started.json()["conversation_id"].get<std::int64_t>();
  auto continued = two.post("/api/chat/semantic-kernel",
                            json({{"message", "And hello from the second"}, {"conversation_id", id}}).dump());
  ASSERT_EQ(continued.status, 200) << continued.body;
  EXPECT_EQ(continued.json()["conversation_id"], id);
  // The second turn carried the first's history: a longer prompt.
  EXPECT_GT(continued.json()["input_tokens"].get<int>(), started.json()["input_tokens"].get<int>());
  const auto stored = one.get("/api/chat/conversations/" + std::to_string(id)).json();
  ASSERT_EQ(stored["messages"].size(), 4u);
  EXPECT_EQ(stored["messages"][2]["content"], "And hello from the second");
}

TEST_F(ScaleOut, JobsSubmittedToOneRunExactlyOnceBetweenThem) {
  HttpClient one(first_->base_url()), two(second_->base_url());
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    auto accepted = one.post(
        "/v1/jobs",
        json({{"job_type", "analyze"}, {"request_params", {{"prompt", "Invoice #" + std::to_string(1000 + i)}}}})
            .dump());
    ASSERT_EQ(accepted.status, 202) << accepted.body;
    ids.push_back(accepted.json()["job_id"]);
  }
  for (const auto& id : ids) {
    json job;
    for (int i = 0; i < 300; ++i) {
      job = two.get("/v1/jobs/" + id).json();  // read on the other instance
      if (job["status"] == "completed" || job["status"] == "failed") break;
      std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(job["status"], "completed") << job.dump();
    EXPECT_EQ(job["attempts"], 1) << job.dump();
  }
  // One analyze call per job in the shared ledger: no job ran twice.
  const auto transactions = one.get("/api/cost/transactions?limit=1000").json()["transactions"];
  int job_calls = 0;
  for (const auto& row : transactions) {
    if (row.value("type", "") == "analyze") ++job_calls;
  }
  EXPECT_EQ(job_calls, 10) << transactions.dump();
}

TEST_F(ScaleOut, OneChatAllowanceIsSharedByBoth) {
  // chat: 6 a minute per client (here 127.0.0.1, which the conversation test used twice);
  // the client's turns alternate between the instances. Apart, each would allow 6.
  HttpClient one(first_->base_url()), two(second_->base_url());
  int admitted = 0, refused = 0;
  for (int i = 0; i < 10; ++i) {
    auto reply = (i % 2 ? two : one).post("/api/chat/langchain", R"({"message": "count me"})");
    if (reply.status == 200) ++admitted;
    if (reply.status == 429) ++refused;
  }
  EXPECT_LE(admitted, 6);
  EXPECT_GE(refused, 4);
}

TEST_F(ScaleOut, APluginReloadOnOneInstanceIsMadeOnTheOther) {
  HttpClient one(first_->base_url()), two(second_->base_url());
  auto generation_of = [](HttpClient& client, const std::string& token, const std::string& name) {
    const auto plugins = client.get("/admin/plugins", {"Authorization: Bearer " + token}).json()["plugins"];
    for (const auto& plugin : plugins) {
      if (plugin["name"] == name && plugin["state"] == "active") return plugin["generation"].get<std::uint64_t>();
    }
    return std::uint64_t{0};
  };
  const auto before = generation_of(two, second_->admin_token(), "chain");
  ASSERT_GT(before, 0u);
  auto reloaded = one.post("/admin/plugins/chain/reload", "{}", {admin(*first_)});
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  std::uint64_t after = before;
  for (int i = 0; i < 100 && after == before; ++i) {
    std::this_thread::sleep_for(50ms);
    after = generation_of(two, second_->admin_token(), "chain");
  }
  EXPECT_GT(after, before) << second_->log();
  EXPECT_NE(second_->log().find("plugin change from another instance made here"), std::string::npos);
  // The other instance audited it as the cluster's, not as an admin call of its own.
  EXPECT_FALSE(cluster_event("plugin.reload").is_null()) << audit_events("plugin.reload").dump();
  // And the chain still answers on both.
  EXPECT_EQ(two.post("/api/langchain", R"({"primary_character": "A", "secondary_character": "B"})").status, 200);
}

TEST_F(ScaleOut, ACanaryRunsOnBothAndARollbackOnOneEndsItOnBoth) {
  HttpClient one(first_->base_url()), two(second_->base_url());
  auto running = [](HttpClient& client, const ServerProcess& server) {
    return client.get("/admin/plugins/mock/canary", {admin(server)}).status == 200;
  };
  auto eventually = [](const std::function<bool()>& condition) {
    for (int i = 0; i < 100 && !condition(); ++i) std::this_thread::sleep_for(50ms);
    return condition();
  };

  // A good version started and promoted on the first: the second runs it, then promotes it.
  auto started =
      one.post("/admin/plugins/mock/canary", R"({"config": {"chunk_delay_ms": 5}, "share": 0.5})", {admin(*first_)});
  ASSERT_EQ(started.status, 201) << started.body;
  EXPECT_TRUE(eventually([&] { return running(two, *second_); })) << second_->log();
  ASSERT_EQ(one.post("/admin/plugins/mock/canary/promote", "{}", {admin(*first_)}).status, 200);
  EXPECT_TRUE(eventually([&] { return !running(two, *second_); }));
  EXPECT_FALSE(cluster_event("plugin.canary.promote").is_null()) << audit_events("plugin.canary.").dump();

  // A failing version started on the first, judged on the second's traffic alone: rolled back
  // there, and so gone from the first too, which served none of it.
  started = one.post("/admin/plugins/mock/canary",
                     R"({"config": {"failure_rate": 1.0}, "share": 0.5, "min_requests": 3, "max_error_rate": 0.2})",
                     {admin(*first_)});
  ASSERT_EQ(started.status, 201) << started.body;
  ASSERT_TRUE(eventually([&] { return running(two, *second_); })) << second_->log();
  for (int i = 0; i < 200 && running(two, *second_); ++i) {
    two.post(
        "/v1/chat/completions",
        json({{"model", "mock/mock-1"}, {"messages", {{{"role", "user"}, {"content", "call " + std::to_string(i)}}}}})
            .dump());
  }
  ASSERT_FALSE(running(two, *second_)) << "the second instance did not roll the canary back";
  // Recorded just after the canary stopped; the first judged nothing, so this one is the second's.
  json rollbacks;
  eventually([&] { return !(rollbacks = audit_events("plugin.canary.rollback")).empty(); });
  ASSERT_EQ(rollbacks.size(), 1u) << rollbacks.dump();
  EXPECT_EQ(rollbacks[0]["actor"], "canary-monitor");
  EXPECT_TRUE(eventually([&] { return !running(one, *first_); })) << first_->log();
  const auto aborted = cluster_event("plugin.canary.abort");
  ASSERT_FALSE(aborted.is_null()) << audit_events("plugin.canary.").dump();
  EXPECT_EQ(aborted["details"]["reason"]["reason"], "error_rate") << aborted.dump();
  // Both serve the promoted version again.
  for (auto* client : {&one, &two}) {
    EXPECT_EQ(client->post("/api/semantic-kernel", R"({"primary_character": "A", "secondary_character": "B"})").status,
              200);
  }
}

// Two instances on one PostgreSQL and one Redis, and a key with a daily budget made on them.
class ScaleOutBudgets : public ::testing::Test {
 protected:
  static constexpr double kBudget = 0.0002;  // a call costs about a fifth of it, reserves a little more

  void SetUp() override {
    static int databases = 0;
    const std::string database =
        PostgresServer::shared().create_database("scale_out_budgets_" + std::to_string(++databases));
    const std::string config = R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: price-table, file: cost/price-table.so}
  - {name: auth, file: middleware/auth.so}
middleware: [auth]
providers:
  - {name: priced-mock, plugin: mock, model: gpt-4o-mini, cost_model: price-table}
default_provider: priced-mock
budgets: {default_max_tokens: 64}
)";
    const std::map<std::string, std::string> environment = {{"DATABASE_URL", database}, {"REDIS_URL", redis_.url()}};
    first_ = std::make_unique<ServerProcess>(ServerOptions{config, {}, environment, {}});
    second_ = std::make_unique<ServerProcess>(ServerOptions{config, {}, environment, {}});
    auto made = client(0).post("/admin/keys", json({{"name", "shared"}, {"daily_budget_usd", kBudget}}).dump(),
                               {"Authorization: Bearer " + first_->admin_token()});
    ASSERT_EQ(made.status, 201) << made.body;
    key_ = "X-API-Key: " + made.json()["key"].get<std::string>();
  }

  HttpClient client(int i) const { return HttpClient((i % 2 ? second_ : first_)->base_url()); }
  // Each call different: the shared response cache would answer a repeated one for free.
  static std::string call(int i) {
    return json({{"model", "priced-mock/gpt-4o-mini"},
                 {"messages",
                  {{{"role", "user"}, {"content", "Tell me story " + std::to_string(i) + " of a lighthouse"}}}}})
        .dump();
  }
  // The ledger's sum. (Each instance writes its ledger entries in batches and flushes them when
  // asked for the key list: ask both.)
  double spent() {
    EXPECT_EQ(client(1).get("/admin/keys", {"Authorization: Bearer " + second_->admin_token()}).status, 200);
    const auto keys = client(0).get("/admin/keys", {"Authorization: Bearer " + first_->admin_token()}).json()["keys"];
    EXPECT_EQ(keys.size(), 1u);
    return keys.empty() ? 0.0 : keys[0]["spent_today_usd"].get<double>();
  }

  RedisServer redis_;
  std::unique_ptr<ServerProcess> first_, second_;
  std::string key_;
};

// Spending on both instances in turn: the shared counters stop the key before the sum passes
// its budget (apart, each instance would let it spend about the budget again before it re-read
// the other's calls from the ledger).
TEST_F(ScaleOutBudgets, AKeysBudgetHoldsAcrossBothInstances) {
  int served = 0;
  HttpReply refused;
  for (int i = 0; i < 40; ++i) {
    auto reply = client(i).post("/v1/chat/completions", call(i), {key_});
    if (reply.status != 200) {
      refused = reply;
      break;
    }
    ++served;
  }
  ASSERT_EQ(refused.status, 402) << "served " << served << ": " << refused.body;
  EXPECT_GE(served, 3);
  // Both instances now refuse it.
  EXPECT_EQ(client(0).post("/v1/chat/completions", call(100), {key_}).status, 402);
  EXPECT_EQ(client(1).post("/v1/chat/completions", call(101), {key_}).status, 402);
  const double total = spent(), per_call = total / served;
  EXPECT_GT(total, kBudget / 2);
  EXPECT_LT(total, kBudget + per_call * 1.01) << "served " << served << ", spent " << total;
  EXPECT_FALSE(redis_.cli("--scan --pattern 'switchboard:budget:*'").empty());
}

// Fifty calls at once, alternately on each instance: each reserves its worst case in the
// shared counters before it leaves, so together they end within one call of the budget.
TEST_F(ScaleOutBudgets, FiftyCallsAtOnceOnBothInstancesEndWithinOneCallOfTheBudget) {
  std::atomic<int> served{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      const auto status = client(i).post("/v1/chat/completions", call(200 + i), {key_}).status;
      if (status == 200) ++served;
      if (status == 402) ++refused;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(served + refused, 50);
  ASSERT_GT(served, 0);
  const double total = spent(), per_call = total / served;
  std::printf("[ budget ] two instances, 50 at once: %d served, %d refused; spent $%.6f of $%.6f\n", served.load(),
              refused.load(), total, kBudget);
  EXPECT_LT(total, kBudget + per_call * 1.01) << "served " << served << ", spent " << total;
}

}  // namespace
}  // namespace switchboard::test
