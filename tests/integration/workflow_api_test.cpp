// Declarative workflows through the real binary: the shipped ones on the embedded defaults
// (mock provider), and workflows that exist only in tests/integration/workflows/, run by the
// `graph` and `chain` plugins against the fake upstream: validation gates, conditions,
// per-step timeouts, checkpoints and resuming a run by id.
#include <gtest/gtest.h>

#include <set>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

TEST(Workflows, TheShippedWorkflowsAreListedAndRun) {
  ServerProcess server;
  HttpClient client(server.base_url());
  auto listed = client.get("/api/workflows");
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::set<std::string> names;
  const auto workflows = listed.json()["workflows"];
  for (const auto& workflow : workflows) names.insert(workflow["name"].get<std::string>());
  EXPECT_TRUE(names.count("prompt-chain")) << listed.body;
  EXPECT_TRUE(names.count("research-fanout"));

  // The fan-out: the three workers share step 2, the synthesizer joins them in step 3.
  auto fanout =
      client.post("/api/workflows/research-fanout", json({{"input", {{"request", "How do tides work?"}}}}).dump());
  ASSERT_EQ(fanout.status, 200) << fanout.body;
  const auto out = fanout.json();
  std::map<int, std::set<std::string>> by_step;
  for (const auto& event : out["events"]) by_step[event["step"].get<int>()].insert(event["node"].get<std::string>());
  EXPECT_EQ(by_step[1], (std::set<std::string>{"orchestrator"}));
  EXPECT_EQ(by_step[2], (std::set<std::string>{"facts", "risks", "examples"}));
  EXPECT_EQ(by_step[3], (std::set<std::string>{"synthesizer"}));
  EXPECT_EQ(out["steps"].size(), 5u);
  EXPECT_FALSE(out["output"].get<std::string>().empty());
  int input_tokens = 0;
  for (const auto& step : out["steps"]) input_tokens += step["input_tokens"].get<int>();
  EXPECT_EQ(out["input_tokens"], input_tokens);
  EXPECT_EQ(client.get("/api/cost/transactions?framework=graph").json()["transactions"].size(), 5u);

  // The mock does not answer JSON: the (not strict) gates warn and the run goes on.
  auto chain = client.post("/api/workflows/prompt-chain", json({{"input", {{"request", "Explain tides"}}}}).dump());
  ASSERT_EQ(chain.status, 200) << chain.body;
  const auto metadata = chain.json()["state"]["step_metadata"];
  ASSERT_EQ(metadata.size(), 3u);
  for (const auto& step : metadata) EXPECT_EQ(step["warnings"].size(), 1u) << step.dump();
  EXPECT_FALSE(chain.json()["output"].get<std::string>().empty());

  // Streamed: each node's update as an event while the graph runs, then the result.
  auto streamed = client.post("/api/workflows/research-fanout",
                              json({{"input", {{"request", "Why is the sky blue?"}}}, {"stream", true}}).dump());
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.header("content-type"), "text/event-stream");
  std::vector<std::string> events;
  json result;
  for (std::size_t at = 0; (at = streamed.body.find("event: ", at)) != std::string::npos;) {
    const auto line_end = streamed.body.find('\n', at);
    const std::string event = streamed.body.substr(at + 7, line_end - at - 7);
    const auto data_end = streamed.body.find("\n\n", line_end);
    const auto data = json::parse(streamed.body.substr(line_end + 7, data_end - line_end - 7));
    events.push_back(event == "node" ? data["node"].get<std::string>() : event);
    if (event == "result") result = data;
    at = data_end;
  }
  EXPECT_EQ(events, (std::vector<std::string>{"orchestrator", "examples", "facts", "risks", "synthesizer", "result"}));
  EXPECT_EQ(result["workflow"], "research-fanout");
  EXPECT_EQ(result["steps"].size(), 5u);
  EXPECT_NE(streamed.body.find("data: [DONE]\n\n"), std::string::npos);
  auto streamed_error = client.post("/api/workflows/prompt-chain", R"({"input": {}, "stream": true})");
  EXPECT_EQ(streamed_error.status, 200);  // the stream had begun: the error is an event
  EXPECT_NE(streamed_error.body.find("event: error\ndata: {\"error\":{\"code\":\"VALIDATION_ERROR\""),
            std::string::npos)
      << streamed_error.body;
  EXPECT_EQ(client.post("/api/workflows/prompt-chain", R"({"stream": "yes"})").status, 422);

  EXPECT_EQ(client.post("/api/workflows/nope", "{}").status, 404);
  auto missing = client.post("/api/workflows/prompt-chain", R"({"input": {}})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_NE(missing.json()["error"]["message"].get<std::string>().find("input.request"), std::string::npos);
  EXPECT_EQ(client.post("/api/workflows/prompt-chain", R"({"input": "text"})").status, 422);
  EXPECT_EQ(client.post("/api/workflows/prompt-chain", "[1]").status, 400);
}

class TestFolderWorkflows : public ::testing::Test {
 protected:
  static std::string config(const FakeUpstream& upstream) {
    const std::string workflows = std::string(SWITCHBOARD_SOURCE_DIR) + "/tests/integration/workflows";
    return R"(
plugins:
  - {name: openai, file: providers/openai.so}
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: chain, file: frameworks/chain.so, config: {workflows_dir: )" +
           workflows + R"(}}
  - {name: graph, file: frameworks/graph.so, config: {workflows_dir: )" +
           workflows + R"(}}
middleware: []
providers:
  - name: fake
    plugin: openai
    base_url: )" +
           upstream.base_url() + R"(
    model: echo
    models: [echo, verbatim, hang]
    timeouts: {total_ms: 10000}
  - {name: mock, plugin: mock, model: mock-1}
default_provider: fake
)";
  }
  FakeUpstream upstream_;
  ServerProcess server_{ServerOptions{config(upstream_), {}, {{"FAKE_PROVIDER_KEY", "k"}}, {}}};
  HttpClient client_{server_.base_url()};

  HttpReply run(const std::string& name, const json& body) {
    return client_.post("/api/workflows/" + name, body.dump());
  }
};

TEST_F(TestFolderWorkflows, ValidationGatesAndConditionsChooseThePath) {
  auto listed = client_.get("/api/workflows").json()["workflows"];
  std::map<std::string, std::string> owners;
  for (const auto& workflow : listed) owners[workflow["name"]] = workflow["plugin"];
  EXPECT_EQ(owners["gated"], "graph");
  EXPECT_EQ(owners["chained"], "chain");
  EXPECT_EQ(owners.count("prompt-chain"), 0u);  // only the test folder

  auto short_way = run("gated", {{"input", {{"kind", "short"}}}});
  ASSERT_EQ(short_way.status, 200) << short_way.body;
  EXPECT_EQ(short_way.json()["output"], "echo: short way for short");
  EXPECT_EQ(short_way.json()["state"]["label"], json({{"kind", "short"}, {"score", 0.9}}));
  auto long_way = run("gated", {{"input", {{"kind", "other"}}}});
  ASSERT_EQ(long_way.status, 200) << long_way.body;
  EXPECT_EQ(long_way.json()["output"], "echo: long way for other");

  // Strict validation: an output that breaks its schema fails the run.
  auto broken = run("gated", {{"input", {{"kind", "broken"}}}});
  EXPECT_EQ(broken.status, 502) << broken.body;
  EXPECT_EQ(broken.json()["error"]["code"], "VALIDATION_FAILED");
  EXPECT_NE(broken.json()["error"]["message"].get<std::string>().find("\"kind\" is not of type string"),
            std::string::npos);

  // The upstream saw each step's own model.
  std::set<std::string> models;
  for (const auto& seen : upstream_.requests()) models.insert(seen.body.value("model", ""));
  EXPECT_EQ(models, (std::set<std::string>{"verbatim", "echo"}));
}

TEST_F(TestFolderWorkflows, AChainWorkflowRunsItsStepsInOrder) {
  auto reply = run("chained", {{"input", {{"topic", "owls"}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["framework"], "chain");
  EXPECT_EQ(reply.json()["output"], "echo: write from echo: outline owls");
  EXPECT_EQ(reply.json()["steps"].size(), 2u);
  EXPECT_EQ(client_.get("/api/cost/transactions?framework=chain").json()["transactions"].size(), 2u);
  // A chain keeps no checkpoints: there is nothing to resume.
  EXPECT_EQ(run("chained", {{"run_id", "run_x"}}).status, 404);
}

TEST_F(TestFolderWorkflows, AStepTimeoutFailsWithThePhaseAndIsCutShort) {
  const auto started = std::chrono::steady_clock::now();
  auto reply = run("impatient", {{"input", json::object()}});
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(reply.status, 504) << reply.body;
  EXPECT_EQ(reply.json()["error"]["code"], "TIMEOUT");
  EXPECT_NE(reply.json()["error"]["message"].get<std::string>().find("Operation timed out during wait phase after 1s"),
            std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(5));  // the 10 s upstream timeout did not apply
  // The upstream saw the client go away: the call was cancelled, not left to hang.
  for (int i = 0; i < 50 && upstream_.abandoned() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(upstream_.abandoned(), 1);
}

TEST_F(TestFolderWorkflows, AFailedRunResumesFromItsCheckpoint) {
  auto failed = run("resumable", {{"input", {{"topic", "owls"}}}});
  ASSERT_GE(failed.status, 500) << failed.body;
  const std::string message = failed.json()["error"]["message"];
  const auto at = message.find("(run ");
  ASSERT_NE(at, std::string::npos) << message;
  const std::string run_id = message.substr(at + 5, message.find(')', at) - at - 5);
  auto ledger = [&] { return client_.get("/api/cost/transactions?framework=graph").json()["transactions"].size(); };
  EXPECT_EQ(ledger(), 2u);  // first, and the failed second

  // Resuming runs only the failed step again (it fails again: the ledger grows by one).
  auto resumed = run("resumable", {{"run_id", run_id}});
  EXPECT_EQ(resumed.status, failed.status) << resumed.body;
  EXPECT_NE(resumed.json()["error"]["message"].get<std::string>().find(run_id), std::string::npos);
  EXPECT_EQ(ledger(), 3u);

  EXPECT_EQ(run("resumable", {{"run_id", "run_unknown"}}).status, 404);
  // A finished run resumes to its final state at once, without a model call.
  auto done = run("gated", {{"input", {{"kind", "short"}}}});
  ASSERT_EQ(done.status, 200);
  const auto calls = upstream_.requests().size();
  auto again = run("gated", {{"run_id", done.json()["run_id"]}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["output"], done.json()["output"]);
  EXPECT_EQ(again.json()["total_tokens"], 0);
  EXPECT_EQ(upstream_.requests().size(), calls);
  // A run belongs to its workflow.
  EXPECT_EQ(run("resumable", {{"run_id", done.json()["run_id"]}}).status, 409);
}

}  // namespace
}  // namespace switchboard::test
