// Asynchronous jobs through the real binary: a job is accepted (202), run, and read back with
// its result; its webhook reaches a receiver that fails twice first, signed so the receiver
// can check it; a server killed while a job runs loses nothing — the next one runs it again,
// once: a job interrupted twice, or running past its timeout, fails and is not run again.
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <chrono>
#include <memory>
#include <thread>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "webhook-secret-for-tests";

std::string hmac_hex(const std::string& key, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(text.data()),
       text.size(), digest, &length);
  std::string out;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    out += byte;
  }
  return out;
}

std::string config(const std::string& storage, int mock_latency_ms, const std::string& more_jobs = "") {
  return R"(
plugins:
  - {name: mock, file: providers/mock.so, config: {latency_ms: )" +
         std::to_string(mock_latency_ms) + R"(}}
  - {name: free, file: cost/free.so}
middleware: []
jobs: {heartbeat_seconds: 1, stale_after_seconds: 3, webhook_secret: ")" +
         kSecret + R"(", webhook_backoff_ms: 100, webhook_allow_private: true)" + more_jobs + R"(}
)" + storage;
}

// Polls the job until `done` says so (or 30 s pass); the last reading.
template <typename Done>
json wait_for(HttpClient& client, const std::string& id, Done done) {
  json job;
  for (int i = 0; i < 300; ++i) {
    auto reply = client.get("/v1/jobs/" + id);
    if (reply.status == 200) {
      job = reply.json();
      if (done(job)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return job;
}

const json kAnalyze = {{"prompt", "Extract invoice details from Invoice #12345"}};

TEST(Jobs, AJobIsAcceptedRunAndReadBack) {
  ServerProcess server(ServerOptions{config("", 0), {}, {}, {}});
  HttpClient client(server.base_url());
  auto accepted = client.post(
      "/v1/jobs",
      json({{"job_type", "batch"}, {"request_params", {{"prompts", {"first prompt", "second prompt"}}}}}).dump());
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const auto id = accepted.json()["job_id"].get<std::string>();
  EXPECT_EQ(accepted.json()["status"], "pending");
  EXPECT_FALSE(accepted.json()["expires_at"].get<std::string>().empty());
  const auto job = wait_for(client, id, [](const json& j) { return j["status"] == "completed"; });
  ASSERT_EQ(job["status"], "completed") << job.dump();
  EXPECT_EQ(job["result"]["summary"]["successful"], 2);
  EXPECT_EQ(job["result"]["results"][1]["index"], 1);
  EXPECT_EQ(job["attempts"], 1);
  EXPECT_TRUE(job["processing_time_ms"].is_number_integer());
  auto listed = client.get("/v1/jobs?status=completed");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json()["jobs"][0]["job_id"], id);
  // The ledger knows the job's calls by its id.
  auto ledger = client.get("/api/cost/transactions?limit=10");
  EXPECT_EQ(ledger.json()["transactions"][0]["request_id"], id);

  EXPECT_EQ(client.get("/v1/jobs/00000000-0000-0000-0000-000000000000").status, 404);
  const std::pair<json, std::string> bad[] = {
      {{{"job_type", "shell"}, {"request_params", kAnalyze}}, "job_type"},
      {{{"job_type", "analyze"}, {"request_params", {{"prompt", ""}}}}, "request_params.prompt"},
      {{{"job_type", "analyze"}, {"request_params", kAnalyze}, {"webhook_url", "ftp://example.com/x"}}, "webhook_url"},
  };
  for (const auto& [body, field] : bad) {
    auto reply = client.post("/v1/jobs", body.dump());
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(reply.json()["error"]["details"][0]["field"], field) << reply.body;
  }
}

TEST(Jobs, TheWebhookIsRetriedUntilTheReceiverTakesItAndIsSigned) {
  FakeUpstream receiver;
  ServerProcess server(ServerOptions{config("", 0), {}, {}, {}});
  HttpClient client(server.base_url());
  const std::string hook = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hooks/fail-2";
  auto accepted = client.post(
      "/v1/jobs", json({{"job_type", "analyze"}, {"request_params", kAnalyze}, {"webhook_url", hook}}).dump());
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const auto id = accepted.json()["job_id"].get<std::string>();
  // webhook.status is null until the job is finished.
  const auto job = wait_for(
      client, id, [](const json& j) { return j.contains("webhook") && j["webhook"]["status"] == "delivered"; });
  ASSERT_EQ(job["webhook"]["status"], "delivered") << job.dump();
  EXPECT_EQ(job["webhook"]["attempts"], 3);
  const auto seen = receiver.requests();
  ASSERT_EQ(seen.size(), 3u);  // 500, 500, 200
  for (const auto& delivery : seen) {
    EXPECT_EQ(delivery.method, "POST");
    EXPECT_EQ(delivery.header("x-switchboard-event"), "job.completed");
    EXPECT_EQ(delivery.header("x-switchboard-job-id"), id);
    const auto timestamp = delivery.header("x-switchboard-timestamp");
    EXPECT_EQ(delivery.header("x-switchboard-signature"),
              "sha256=" + hmac_hex(kSecret, timestamp + "." + delivery.raw_body));
    EXPECT_NE(delivery.header("x-switchboard-signature"),
              "sha256=" + hmac_hex("another secret", timestamp + "." + delivery.raw_body));
    EXPECT_EQ(delivery.body["job_id"], id);
    EXPECT_EQ(delivery.body["status"], "completed");
    EXPECT_EQ(delivery.body["result"], job["result"]);
  }
  const auto metrics = client.get("/metrics").body;
  EXPECT_NE(metrics.find("switchboard_jobs_total{status=\"completed\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("switchboard_webhook_deliveries_total{result=\"failed\"} 2"), std::string::npos);
  EXPECT_NE(metrics.find("switchboard_webhook_deliveries_total{result=\"delivered\"} 1"), std::string::npos);
}

TEST(Jobs, WithoutASecretWebhooksAreRefused) {
  ServerProcess server;
  HttpClient client(server.base_url());
  auto reply =
      client.post("/v1/jobs", json({{"request_params", kAnalyze}, {"webhook_url", "https://example.com/hook"}}).dump());
  ASSERT_EQ(reply.status, 400) << reply.body;
  EXPECT_NE(reply.json()["error"]["details"][0]["message"].get<std::string>().find("webhook_secret"),
            std::string::npos);
}

// The first server dies (SIGKILL) while the job runs; the second, on the same store, sees its
// heart stopped, runs it again and completes it.
TEST(Jobs, AJobRunningWhenItsServerDiesIsRunAgainByTheNext) {
  TempDir store;
  const std::string storage = "storage: {url: \"sqlite://" + (store.path() / "jobs.db").string() + "\"}\n";
  std::string id;
  {
    ServerProcess first(ServerOptions{config(storage, 4000), {}, {}, {}});
    HttpClient client(first.base_url());
    auto accepted = client.post("/v1/jobs", json({{"job_type", "analyze"}, {"request_params", kAnalyze}}).dump());
    ASSERT_EQ(accepted.status, 202) << accepted.body;
    id = accepted.json()["job_id"].get<std::string>();
    const auto running = wait_for(client, id, [](const json& j) { return j["status"] == "processing"; });
    ASSERT_EQ(running["status"], "processing") << running.dump();
    first.stop(9);
  }
  ServerProcess second(ServerOptions{config(storage, 0), {}, {}, {}});
  HttpClient client(second.base_url());
  const auto job = wait_for(client, id, [](const json& j) { return j["status"] == "completed"; });
  ASSERT_EQ(job["status"], "completed") << job.dump() << second.log();
  EXPECT_EQ(job["attempts"], 2);
  EXPECT_TRUE(job["result"]["entities"].is_object());
}

// A job that kills its server (it once did: a schema pattern overflowed std::regex's stack)
// is run once more after the crash, not again and again: the second interruption fails it.
TEST(Jobs, AJobInterruptedTwiceIsNotRunAThirdTime) {
  TempDir store;
  const std::string storage = "storage: {url: \"sqlite://" + (store.path() / "jobs.db").string() + "\"}\n";
  std::string id;
  for (int start = 1; start <= 2; ++start) {
    ServerProcess crashing(ServerOptions{config(storage, 6000), {}, {}, {}});
    HttpClient client(crashing.base_url());
    if (id.empty()) {
      auto accepted = client.post("/v1/jobs", json({{"job_type", "analyze"}, {"request_params", kAnalyze}}).dump());
      ASSERT_EQ(accepted.status, 202) << accepted.body;
      id = accepted.json()["job_id"].get<std::string>();
    }
    const auto running =
        wait_for(client, id, [start](const json& j) { return j["status"] == "processing" && j["attempts"] == start; });
    ASSERT_EQ(running["status"], "processing") << start << ": " << running.dump();
    crashing.stop(9);
  }
  ServerProcess after(ServerOptions{config(storage, 0), {}, {}, {}});
  HttpClient client(after.base_url());
  const auto job =
      wait_for(client, id, [](const json& j) { return j["status"] != "processing" && j["status"] != "pending"; });
  EXPECT_EQ(job["status"], "failed") << job.dump();
  EXPECT_EQ(job["attempts"], 2) << job.dump();
  EXPECT_NE(job.dump().find("interrupted"), std::string::npos) << job.dump();
}

TEST(Jobs, AJobRunningPastItsTimeoutFailsAndIsNotRunAgain) {
  ServerProcess server(ServerOptions{config("", 5000, ", timeout_seconds: 1"), {}, {}, {}});
  HttpClient client(server.base_url());
  auto accepted = client.post("/v1/jobs", json({{"job_type", "analyze"}, {"request_params", kAnalyze}}).dump());
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const auto id = accepted.json()["job_id"].get<std::string>();
  const auto started = std::chrono::steady_clock::now();
  const auto job = wait_for(client, id, [](const json& j) { return j["status"] == "failed"; });
  ASSERT_EQ(job["status"], "failed") << job.dump();
  EXPECT_NE(job.dump().find("timed out after 1 s"), std::string::npos) << job.dump();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4)) << "failed before the call ended";
  // The call it was waiting for ends later; the job stays failed, run once.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const auto later = client.get("/v1/jobs/" + id).json();
  EXPECT_EQ(later["status"], "failed") << later.dump();
  EXPECT_EQ(later["attempts"], 1);
}

}  // namespace
}  // namespace switchboard::test
