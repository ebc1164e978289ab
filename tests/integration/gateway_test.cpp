// The OpenAI-compatible gateway through the real binary, the openai codec plugin and a
// fake upstream on loopback.
#include <future>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

std::string config_for(const FakeUpstream& upstream) {
  return R"(
plugins:
  - {name: openai, file: providers/openai.so}
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: security-headers, file: middleware/security-headers.so}
middleware: [security-headers]
providers:
  - name: fake
    plugin: openai
    base_url: )" +
         upstream.base_url() + R"(
    api_key_env: FAKE_PROVIDER_KEY
    model: echo
    models: [echo, slow-echo, no-usage]
    timeouts: {connect_ms: 1000, first_byte_ms: 1500, idle_ms: 1000, total_ms: 5000}
  - name: impatient
    plugin: openai
    base_url: )" +
         upstream.base_url() + R"(
    model: hang
    timeouts: {first_byte_ms: 300}
  - name: fidgety
    plugin: openai
    base_url: )" +
         upstream.base_url() + R"(
    model: drip
    timeouts: {idle_ms: 20}
  - {name: mock, plugin: mock, model: mock-1}
default_provider: fake
resilience:
  custom: {retry_attempts: 0, circuit_breaker_threshold: 1000}  # one attempt each: the Resilience suite covers retries
)";
}

std::string chat(const std::string& model, const std::string& text, bool stream = false) {
  return nlohmann::json{{"model", model}, {"stream", stream}, {"messages", {{{"role", "user"}, {"content", text}}}}}
      .dump();
}

// The data payloads of an SSE body, in order.
std::vector<std::string> sse_events(const std::string& body) {
  std::vector<std::string> events;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("data: ", 0) == 0) events.push_back(line.substr(6));
  }
  return events;
}

// The answer's text, whole or reassembled from a stream.
std::string answer_text(const HttpReply& reply) {
  if (reply.header("content-type") != "text/event-stream") {
    auto body = reply.json();
    return body.is_object() && body.contains("choices") ? body["choices"][0]["message"].value("content", "") : "";
  }
  std::string text;
  for (const auto& event : sse_events(reply.body)) {
    auto parsed = nlohmann::json::parse(event, nullptr, false);
    if (parsed.is_object() && parsed.contains("choices") && !parsed["choices"].empty())
      text += parsed["choices"][0]["delta"].value("content", "");
  }
  return text;
}

class Gateway : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    upstream_ = new FakeUpstream();
    plugins_ = new TempDir();
    server_ = new ServerProcess({config_for(*upstream_),
                                 {},
                                 {{"FAKE_PROVIDER_KEY", "sk-fake-upstream-key-0123456789"}},
                                 assemble_plugin_dir(plugins_->path())});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete plugins_;
    delete upstream_;
  }
  static FakeUpstream* upstream_;
  static TempDir* plugins_;
  static ServerProcess* server_;
  HttpClient client_{server_->base_url()};
};
FakeUpstream* Gateway::upstream_ = nullptr;
TempDir* Gateway::plugins_ = nullptr;
ServerProcess* Gateway::server_ = nullptr;

TEST_F(Gateway, WholeCompletionThroughTheOpenAiCodec) {
  auto reply = client_.post("/v1/chat/completions", chat("fake/echo", "hello gateway"), {"X-Request-ID: gw-test-1"});
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto body = reply.json();
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(body["choices"][0]["message"]["content"], "echo: hello gateway");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(body["usage"]["prompt_tokens"], 11);
  EXPECT_EQ(body["usage"]["completion_tokens"], 7);
  EXPECT_EQ(reply.header("x-switchboard-provider"), "fake");
  EXPECT_GE(std::stod(reply.header("x-switchboard-overhead-ms")), 0.0);
  EXPECT_EQ(reply.header("x-frame-options"), "DENY");

  auto seen = upstream_->requests().back();
  EXPECT_EQ(seen.path, "/v1/chat/completions");
  EXPECT_EQ(seen.header("authorization"), "Bearer sk-fake-upstream-key-0123456789");
  EXPECT_EQ(seen.header("x-request-id"), "gw-test-1");
  EXPECT_EQ(seen.body["model"], "echo");
  EXPECT_EQ(seen.body["stream"], false);
  EXPECT_EQ(server_->log().find("sk-fake-upstream-key-0123456789"), std::string::npos);
}

TEST_F(Gateway, StreamArrivesInOrderWithUsageThenDone) {
  auto reply = client_.post("/v1/chat/completions", chat("fake/echo", "one two three four", true));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "text/event-stream");
  EXPECT_EQ(reply.header("x-accel-buffering"), "no");
  auto events = sse_events(reply.body);
  ASSERT_GE(events.size(), 4u) << reply.body;
  EXPECT_EQ(events.back(), "[DONE]");
  auto first = nlohmann::json::parse(events.front());
  EXPECT_EQ(first["object"], "chat.completion.chunk");
  EXPECT_EQ(first["choices"][0]["delta"]["role"], "assistant");
  std::string text;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    auto event = nlohmann::json::parse(events[i]);
    text += event["choices"][0]["delta"].value("content", "");
  }
  EXPECT_EQ(text, "echo: one two three four");
  auto last = nlohmann::json::parse(events[events.size() - 2]);
  EXPECT_EQ(last["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(last["usage"]["completion_tokens"], 7);
  EXPECT_EQ(upstream_->requests().back().body["stream_options"]["include_usage"], true);
  // The connection stays usable after a stream.
  EXPECT_EQ(client_.get("/health").status, 200);
}

TEST_F(Gateway, UsageIsCountedWhenTheUpstreamSendsNone) {
  auto reply = client_.post("/v1/chat/completions", chat("fake/no-usage", "count me please", true));
  auto events = sse_events(reply.body);
  ASSERT_GE(events.size(), 2u);
  auto last = nlohmann::json::parse(events[events.size() - 2]);
  EXPECT_GT(last["usage"]["completion_tokens"].get<int>(), 0);
  EXPECT_GT(last["usage"]["prompt_tokens"].get<int>(), 0);
}

TEST_F(Gateway, UpstreamFailuresBecomeJsonErrors) {
  const std::pair<const char*, long> cases[] = {{"fake/status-429", 429}, {"fake/status-500", 502},
                                                {"fake/status-503", 502}, {"fake/bad-json", 502},
                                                {"fake/reset", 502},      {"fake/bad-sse", 502}};
  for (const auto& [model, status] : cases) {
    const bool stream = std::string(model) == "fake/bad-sse";
    auto reply = client_.post("/v1/chat/completions", chat(model, "x", stream));
    EXPECT_EQ(reply.status, status) << model << ": " << reply.body;
    EXPECT_EQ(reply.json()["error"]["code"], "LLM_PROVIDER_ERROR") << model;
    EXPECT_EQ(reply.json()["error"]["request_id"], reply.header("x-request-id"));
  }
  EXPECT_NE(client_.post("/v1/chat/completions", chat("fake/status-429", "x"))
                .json()["error"]["message"]
                .get<std::string>()
                .find("fake failure"),
            std::string::npos);
}

TEST_F(Gateway, AFailureMidStreamBecomesAnErrorEventThenDone) {
  auto reply = client_.post("/v1/chat/completions", chat("fake/break-sse", "x", true));
  ASSERT_EQ(reply.status, 200);
  auto events = sse_events(reply.body);
  ASSERT_GE(events.size(), 3u) << reply.body;
  EXPECT_EQ(events.back(), "[DONE]");
  auto error = nlohmann::json::parse(events[events.size() - 2]);
  EXPECT_EQ(error["error"]["code"], "LLM_PROVIDER_ERROR");
}

TEST_F(Gateway, TimeoutsAreEnforced) {
  const auto started = std::chrono::steady_clock::now();
  auto first_byte = client_.post("/v1/chat/completions", chat("impatient/hang", "x"));
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(first_byte.status, 504) << first_byte.body;
  EXPECT_LT(waited, std::chrono::seconds(2));
  EXPECT_GE(waited, std::chrono::milliseconds(250));

  // The drip pauses 50 ms between events; this instance allows 20 ms.
  auto idle = client_.post("/v1/chat/completions", chat("fidgety/drip", "x", true));
  EXPECT_EQ(idle.status, 504) << idle.body;
  EXPECT_NE(idle.body.find("idle_timeout"), std::string::npos) << idle.body;
}

TEST_F(Gateway, AClientThatHangsUpCancelsTheUpstreamCall) {
  const int before = upstream_->abandoned();
  post_and_hang_up(server_->base_url() + "/v1/chat/completions", chat("fake/drip", "x", true), 200L);
  // The drip would take a second; the upstream sees its client (us) leave much sooner.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(800);
  while (upstream_->abandoned() == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(upstream_->abandoned(), before + 1);
}

TEST_F(Gateway, EveryAnswerCarriesItsOwnMarker) {
  std::atomic<int> wrong{0}, answered{0};
  std::mutex detail_mutex;
  std::string detail;
  auto worker = [&](int id) {
    for (int i = 0; i < 30; ++i) {
      const std::string marker = "marker-" + std::to_string(id) + "-" + std::to_string(i);
      if (i % 3 == 0) {  // hang up before the slow answer comes
        post_and_hang_up(server_->base_url() + "/v1/chat/completions", chat("fake/slow-echo", marker), 50L);
        continue;
      }
      HttpClient client(server_->base_url());
      auto reply =
          client.post("/v1/chat/completions", chat(i % 2 ? "fake/echo" : "fake/slow-echo", marker, i % 4 == 1));
      ++answered;
      const std::string expected = "echo: " + marker;
      if (reply.status != 200 || answer_text(reply) != expected) {
        ++wrong;
        std::lock_guard lock(detail_mutex);
        if (detail.empty())
          detail = marker + " got " + std::to_string(reply.status) + " " + reply.error + " " + reply.body;
      }
      // No other client's marker may appear.
      std::smatch found;
      std::string rest = reply.body;
      while (std::regex_search(rest, found, std::regex("marker-\\d+-\\d+"))) {
        if (found.str() != marker) ++wrong;
        rest = found.suffix();
      }
    }
  };
  std::vector<std::thread> clients;
  for (int id = 0; id < 6; ++id) clients.emplace_back(worker, id);
  for (auto& c : clients) c.join();
  EXPECT_EQ(wrong.load(), 0) << detail;
  EXPECT_EQ(answered.load(), 6 * 20);
}

TEST_F(Gateway, ModelsListsEveryInstance) {
  auto body = client_.get("/v1/models").json();
  std::set<std::string> ids;
  for (const auto& m : body["data"]) ids.insert(m["id"]);
  EXPECT_TRUE(ids.count("fake/echo"));
  EXPECT_TRUE(ids.count("fidgety/drip"));
  EXPECT_TRUE(ids.count("mock/mock-1"));
}

TEST_F(Gateway, BadRequestsAre400) {
  EXPECT_EQ(client_.post("/v1/chat/completions", "{}").status, 400);
  EXPECT_EQ(client_.post("/v1/chat/completions", R"({"messages":[{"content":"no role"}]})").status, 400);
  EXPECT_EQ(client_.post("/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}],"n":2})").status, 400);
  EXPECT_EQ(
      client_.post("/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}],"temperature":9})").status,
      400);
  EXPECT_EQ(client_.post("/v1/chat/completions", "not json").status, 400);
}

TEST_F(Gateway, TheOfficialOpenAiClientWorksUnchanged) {
  // tools/dev installs tests/node (npm `openai`); the script asserts and exits non-zero on a mismatch.
  const std::string command = "node " + std::string(SWITCHBOARD_SOURCE_DIR) + "/tests/node/openai_client.mjs " +
                              server_->base_url() + "/v1 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("stream: echo: streaming from the sdk"), std::string::npos) << output;
}

TEST_F(Gateway, TheMockServesTheGatewayToo) {
  auto reply = client_.post("/v1/chat/completions", chat("mock/mock-1", "hello mock", true));
  ASSERT_EQ(reply.status, 200);
  auto events = sse_events(reply.body);
  EXPECT_EQ(events.back(), "[DONE]");
  EXPECT_EQ(reply.header("x-switchboard-provider"), "mock");
}

}  // namespace
}  // namespace switchboard::test
