// The content API (stories, chat, context, compare) through the real binary against the fake
// OpenAI-compatible upstream instead of the mock: every framework's calls go over HTTP through
// the `openai` codec, with the upstream's own token counts; upstream failures and a full
// worker pool answer clear errors and store nothing.
#include <gtest/gtest.h>

#include <functional>
#include <future>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

// The frameworks talk to the fake upstream; `frameworks` holds their plugin lines.
std::string config_for(const FakeUpstream& upstream, const std::string& frameworks, const std::string& server = "") {
  return server + R"(
plugins:
  - {name: openai, file: providers/openai.so}
  - {name: free, file: cost/free.so}
)" + frameworks +
         R"(
middleware: []
providers:
  - name: fake
    plugin: openai
    base_url: )" +
         upstream.base_url() + R"(
    model: echo
    models: [echo, slow-echo, status-500]
default_provider: fake
)";
}

constexpr const char* kAllFrameworks = R"(  - {name: kernel, file: frameworks/kernel.so}
  - {name: chain, file: frameworks/chain.so}
  - {name: graph, file: frameworks/graph.so}
)";

class ContentUpstream : public ::testing::Test {
 protected:
  FakeUpstream upstream_;
  // No response cache: the frameworks ask alike, and each call must reach the upstream here.
  ServerProcess server_{ServerOptions{config_for(upstream_, kAllFrameworks, "cache: {enabled: false}\n"), {}, {}, {}}};
  HttpClient client_{server_.base_url()};
};

TEST_F(ContentUpstream, StoriesFromEachFrameworkGoThroughTheUpstream) {
  const std::pair<const char*, std::size_t> routes[] = {
      {"/api/semantic-kernel", 1}, {"/api/langchain", 1}, {"/api/langgraph", 2}};  // the graph: writer, editor
  std::size_t seen = 0;
  for (const auto& [path, calls] : routes) {
    auto reply = client_.post(path, json({{"primary_character", "Ada"}, {"secondary_character", "Bob"}}).dump());
    ASSERT_EQ(reply.status, 200) << path << ": " << reply.body;
    const auto story = reply.json();
    EXPECT_EQ(story["story"].get<std::string>().rfind("echo: ", 0), 0u) << story.dump();
    EXPECT_EQ(story["provider"], "fake");
    EXPECT_EQ(story["model"], "echo");
    EXPECT_GT(story["input_tokens"].get<int>(), 0);
    seen += calls;
    ASSERT_EQ(upstream_.requests().size(), seen) << path;
    EXPECT_EQ(upstream_.requests().back().path, "/v1/chat/completions");
  }
  // The editor was handed the storyteller's draft.
  const auto requests = upstream_.requests();
  const auto& editor = requests.back().body["messages"];
  EXPECT_NE(editor.back()["content"].get<std::string>().find("echo: Write a short story featuring Ada"),
            std::string::npos)
      << editor.dump();

  auto compare =
      client_.post("/api/compare", json({{"primary_character", "Cy"}, {"secondary_character", "Di"}}).dump());
  ASSERT_EQ(compare.status, 200) << compare.body;
  const auto results = compare.json()["results"];  // a named value: the loop must not outlive it
  for (const auto& result : results) EXPECT_TRUE(result["ok"].get<bool>()) << result.dump();
  EXPECT_EQ(upstream_.requests().size(), seen + 4);
  EXPECT_EQ(client_.get("/api/stories").json()["total"], 6);
}

TEST_F(ContentUpstream, AChatSendsItsWholeHistoryToTheUpstream) {
  auto first = client_.post("/api/chat/langgraph", json({{"message", "Hello owls"}}).dump());
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json()["response"], "echo: Hello owls");
  const auto conversation = first.json()["conversation_id"];
  auto second = client_.post("/api/chat/semantic-kernel",
                             json({{"message", "And eyes?"}, {"conversation_id", conversation}}).dump());
  ASSERT_EQ(second.status, 200) << second.body;
  const auto messages = upstream_.requests().back().body["messages"];
  ASSERT_GE(messages.size(), 3u);
  EXPECT_EQ(messages[messages.size() - 3]["content"], "Hello owls");
  EXPECT_EQ(messages[messages.size() - 2]["content"], "echo: Hello owls");
  EXPECT_EQ(messages.back()["content"], "And eyes?");
}

TEST_F(ContentUpstream, AContextPromptCarriesTheDocumentUpstream) {
  const std::string boundary = "b0undary";
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.md\"\r\n\r\n"
                           "# Notes\nUPSTREAM-MARKER lives here.\r\n--" +
                           boundary + "--\r\n";
  auto uploaded =
      client_.post("/api/context/upload", body, {"Content-Type: multipart/form-data; boundary=" + boundary});
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  for (const char* framework : {"semantic-kernel", "langchain", "langgraph"}) {
    auto reply = client_.post("/api/context/execute", json({{"file_id", uploaded.json()["file_id"]},
                                                            {"system_prompt", "You read notes"},
                                                            {"user_prompt", "What lives here?"},
                                                            {"framework", framework}})
                                                          .dump());
    ASSERT_EQ(reply.status, 200) << framework << ": " << reply.body;
    EXPECT_NE(reply.json()["response"].get<std::string>().find("UPSTREAM-MARKER"), std::string::npos);
    const auto sent = upstream_.requests().back().body["messages"];
    EXPECT_EQ(sent.front()["role"], "system") << framework;
    EXPECT_NE(sent.front()["content"].get<std::string>().find("You read notes"), std::string::npos) << framework;
    EXPECT_NE(sent.back()["content"].get<std::string>().find("What lives here?"), std::string::npos) << framework;
  }
}

// One worker and no queue: a story that holds the worker makes the next request wait for
// nobody — 503 with Retry-After at once. A failing upstream fails the story and stores nothing.
TEST(ContentUpstreamLimits, AFullPoolAnswers503AndAFailedStoryStoresNothing) {
  FakeUpstream upstream;
  ServerProcess server(
      ServerOptions{config_for(upstream,
                               "  - {name: kernel, file: frameworks/kernel.so, config: {model: slow-echo}}\n"
                               "  - {name: chain, file: frameworks/chain.so, config: {model: status-500}}\n",
                               "server: {workers: 1, worker_queue: 0}\nresilience: {preset: development}\n"),
                    {},
                    {},
                    {}});
  HttpClient client(server.base_url());
  const std::string characters = json({{"primary_character", "Ada"}, {"secondary_character", "Bob"}}).dump();
  auto slow = std::async(std::launch::async,
                         [&] { return HttpClient(server.base_url()).post("/api/semantic-kernel", characters); });
  // The worker is taken once the upstream has the slow request (300 ms remain then).
  for (int i = 0; i < 1000 && upstream.requests().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_FALSE(upstream.requests().empty());
  auto busy = client.post("/api/langchain", characters);
  EXPECT_EQ(busy.status, 503) << busy.body;
  EXPECT_EQ(busy.json()["error"]["code"], "SERVER_BUSY");
  EXPECT_EQ(busy.header("retry-after"), "1");
  EXPECT_EQ(slow.get().status, 200);

  // A reply can arrive a moment before its worker is back in the pool: each request after one
  // waits for the pool, not for time.
  const auto when_pool_free = [](const std::function<HttpReply()>& send) {
    HttpReply reply;
    for (int i = 0; i < 200; ++i) {
      reply = send();
      if (reply.status != 503) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return reply;
  };
  const HttpReply failed = when_pool_free([&] { return client.post("/api/langchain", characters); });
  EXPECT_GE(failed.status, 500) << failed.body;
  EXPECT_EQ(failed.json()["error"]["code"], "LLM_PROVIDER_ERROR");
  const HttpReply stories = when_pool_free([&] { return client.get("/api/stories"); });
  ASSERT_EQ(stories.status, 200) << stories.body;
  EXPECT_EQ(stories.json()["total"], 1);  // only the slow one
}

}  // namespace
}  // namespace switchboard::test
