// The chat API of seed 000 through the real binary on the embedded defaults: a conversation
// started with one framework continues with another, with its whole history; listing,
// reading, deleting; bad input.
#include <gtest/gtest.h>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

// Server-sent events as (event, data); the closing `data: [DONE]` comes as ("", "[DONE]").
std::vector<std::pair<std::string, std::string>> events_of(const std::string& body) {
  std::vector<std::pair<std::string, std::string>> events;
  std::size_t at = 0;
  for (std::size_t end; (end = body.find("\n\n", at)) != std::string::npos; at = end + 2) {
    const std::string block = body.substr(at, end - at);
    std::string event, data;
    std::size_t line_start = 0;
    while (line_start < block.size()) {
      std::size_t line_end = block.find('\n', line_start);
      if (line_end == std::string::npos) line_end = block.size();
      const std::string line = block.substr(line_start, line_end - line_start);
      if (line.starts_with("event: ")) event = line.substr(7);
      if (line.starts_with("data: ")) data = line.substr(6);
      line_start = line_end + 1;
    }
    events.emplace_back(event, data);
  }
  EXPECT_EQ(at, body.size()) << "a partial event at the end: " << body.substr(at);
  return events;
}

class Chat : public ::testing::Test {
 protected:
  ServerProcess server_;
  HttpClient client_{server_.base_url()};

  HttpReply say(const std::string& framework, const json& body) {
    return client_.post("/api/chat/" + framework, body.dump());
  }
};

TEST_F(Chat, AConversationContinuesAcrossFrameworksWithItsHistory) {
  auto first = say("semantic-kernel", {{"message", "Hello there, tell me about owls"}});
  ASSERT_EQ(first.status, 200) << first.body;
  const auto one = first.json();
  EXPECT_FALSE(one["response"].get<std::string>().empty());
  EXPECT_EQ(one["method"], "semantic_kernel");
  EXPECT_EQ(one["transaction_guid"], first.header("x-transaction-guid"));
  const auto conversation = one["conversation_id"].get<std::int64_t>();

  auto second = say("langchain", {{"message", "And about their eyes?"}, {"conversation_id", conversation}});
  ASSERT_EQ(second.status, 200) << second.body;
  const auto two = second.json();
  EXPECT_EQ(two["conversation_id"], conversation);
  EXPECT_EQ(two["method"], "langchain");
  // The second turn sent the whole history: a longer prompt than the first.
  EXPECT_GT(two["input_tokens"].get<int>(), one["input_tokens"].get<int>() + 5);
  EXPECT_NE(two["message_id"], one["message_id"]);

  auto read = client_.get("/api/chat/conversations/" + std::to_string(conversation));
  ASSERT_EQ(read.status, 200);
  const auto body = read.json();
  EXPECT_EQ(body["method"], "semantic_kernel");  // the framework that started it
  ASSERT_EQ(body["messages"].size(), 4u);
  const char* roles[] = {"user", "assistant", "user", "assistant"};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(body["messages"][i]["role"], roles[i]);
  EXPECT_EQ(body["messages"][2]["content"], "And about their eyes?");
  EXPECT_EQ(body["messages"][3]["content"], two["response"]);
  EXPECT_EQ(body["messages"][3]["total_tokens"], two["total_tokens"]);
  EXPECT_FALSE(body["messages"][0].contains("total_tokens"));

  auto list = client_.get("/api/chat/conversations?limit=5").json()["conversations"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["message_count"], 4);
  EXPECT_EQ(list[0]["title"], "Hello there, tell me about owls");

  // The graph carries it on too: its messages reducer appends to the whole history.
  auto third = say("langgraph", {{"message", "Thanks!"}, {"conversation_id", conversation}});
  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(third.json()["method"], "langgraph");
  EXPECT_GT(third.json()["input_tokens"].get<int>(), two["input_tokens"].get<int>());
  EXPECT_EQ(client_.get("/api/chat/conversations/" + std::to_string(conversation)).json()["messages"].size(), 6u);

  auto ledger = client_.get("/api/cost/transactions").json()["transactions"];
  ASSERT_EQ(ledger.size(), 3u);
  EXPECT_EQ(ledger[0]["type"], "chat");
  EXPECT_EQ(ledger[0]["framework"], "graph");
  EXPECT_EQ(ledger[1]["framework"], "chain");
  EXPECT_EQ(ledger[2]["framework"], "kernel");

  EXPECT_EQ(client_.request("DELETE", "/api/chat/conversations/" + std::to_string(conversation)).status, 200);
  EXPECT_EQ(client_.get("/api/chat/conversations/" + std::to_string(conversation)).status, 404);
  EXPECT_EQ(client_.request("DELETE", "/api/chat/conversations/" + std::to_string(conversation)).status, 404);
  EXPECT_TRUE(client_.get("/api/chat/conversations").json()["conversations"].empty());
}

TEST_F(Chat, BadTurnsAreRefusedAndStoreNothing) {
  const std::pair<json, std::string> bad[] = {
      {json::object(), "message"},
      {{{"message", "   "}}, "message"},
      {{{"message", 5}}, "message"},
      {{{"message", std::string(40 * 1024, 'x')}}, "message"},
      {{{"message", "hi"}, {"conversation_id", "seven"}}, "conversation_id"},
      {{{"message", "hi"}, {"conversation_id", 0}}, "conversation_id"},
  };
  for (const auto& [body, field] : bad) {
    auto reply = say("semantic-kernel", body);
    EXPECT_EQ(reply.status, 422) << body.dump().substr(0, 100);
    EXPECT_EQ(reply.json()["error"]["details"][0]["field"], field);
  }
  EXPECT_EQ(say("semantic-kernel", {{"message", "hi"}, {"conversation_id", 999}}).status, 404);
  // A turn the model fails leaves nothing behind.
  auto failed = say("langgraph", {{"message", "[mock:fail] hi"}});
  EXPECT_GE(failed.status, 500) << failed.body;
  EXPECT_EQ(failed.json()["error"]["code"], "LLM_PROVIDER_ERROR");
  EXPECT_EQ(client_.get("/api/chat/conversations?limit=0").status, 422);
  EXPECT_EQ(client_.get("/api/chat/conversations/abc").status, 404);
  EXPECT_TRUE(client_.get("/api/chat/conversations").json()["conversations"].empty());
}

TEST_F(Chat, AStreamedTurnSendsItsTextAsItArrivesThenTheStoredTurn) {
  auto reply = say("langchain", {{"message", "Tell me about the owls of the northern forest"}, {"stream", true}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "text/event-stream");
  const auto events = events_of(reply.body);
  ASSERT_GE(events.size(), 4u) << reply.body;
  std::string streamed;
  std::size_t deltas = 0;
  for (std::size_t i = 0; i + 2 < events.size(); ++i) {
    ASSERT_EQ(events[i].first, "delta") << events[i].second;
    streamed += json::parse(events[i].second)["delta"].get<std::string>();
    ++deltas;
  }
  EXPECT_GE(deltas, 2u) << "the mock streams word by word";
  ASSERT_EQ(events[events.size() - 2].first, "result");
  EXPECT_EQ(events.back(), (std::pair<std::string, std::string>{"", "[DONE]"}));
  const auto turn = json::parse(events[events.size() - 2].second);
  EXPECT_EQ(turn["response"], streamed);
  EXPECT_EQ(turn["method"], "langchain");
  EXPECT_GT(turn["total_tokens"].get<int>(), 0);
  const auto conversation = turn["conversation_id"].get<std::int64_t>();

  // Another framework carries the conversation on, streamed too; both turns are stored.
  auto second =
      say("semantic-kernel", {{"message", "And their eyes?"}, {"conversation_id", conversation}, {"stream", true}});
  ASSERT_EQ(second.status, 200) << second.body;
  const auto second_events = events_of(second.body);
  ASSERT_GE(second_events.size(), 2u);
  const auto second_turn = json::parse(second_events[second_events.size() - 2].second);
  EXPECT_EQ(second_turn["conversation_id"], conversation);
  const auto stored = client_.get("/api/chat/conversations/" + std::to_string(conversation)).json();
  ASSERT_EQ(stored["messages"].size(), 4u);
  EXPECT_EQ(stored["messages"][1]["content"], streamed);
  EXPECT_EQ(stored["messages"][3]["content"], second_turn["response"]);
}

TEST_F(Chat, AStreamedTurnThatFailsEndsWithAnErrorAndStoresNothing) {
  auto failed = say("langgraph", {{"message", "[mock:fail] hi"}, {"stream", true}});
  ASSERT_EQ(failed.status, 200) << failed.body;
  const auto events = events_of(failed.body);
  ASSERT_GE(events.size(), 2u) << failed.body;
  ASSERT_EQ(events[events.size() - 2].first, "error");
  const auto error = json::parse(events[events.size() - 2].second);
  EXPECT_EQ(error["error"]["code"], "LLM_PROVIDER_ERROR");
  EXPECT_GE(error["status"].get<int>(), 500);
  EXPECT_EQ(error["error"]["request_id"], failed.header("x-request-id"));
  EXPECT_EQ(events.back().second, "[DONE]");
  EXPECT_TRUE(client_.get("/api/chat/conversations").json()["conversations"].empty());

  // A request that fails its checks is answered as JSON, before any stream starts.
  auto bad_flag = say("langgraph", {{"message", "hi"}, {"stream", "yes"}});
  EXPECT_EQ(bad_flag.status, 422);
  EXPECT_EQ(bad_flag.json()["error"]["details"][0]["field"], "stream");
  auto unknown = say("langgraph", {{"message", "hi"}, {"conversation_id", 999}, {"stream", true}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"]["code"], "NOT_FOUND");
}

}  // namespace
}  // namespace switchboard::test
