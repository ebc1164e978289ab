// The OpenAI request body → ChatRequest: what is taken, what passes through, what is refused.
#include <gtest/gtest.h>

#include "api/chat_request.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

TEST(ChatRequest, TakesTheModelledFieldsAndPassesTheRestThrough) {
  auto request = parse_chat_request(json::parse(R"({
    "model": "fast/gpt", "temperature": 0.5, "top_p": 0.9, "max_tokens": 64, "stop": ["END"],
    "stream": true, "stream_options": {"include_usage": true}, "seed": 7,
    "tools": [{"type": "function", "function": {"name": "f"}}],
    "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi", "name": "ann"}]})"));
  ASSERT_TRUE(request) << request.error();
  EXPECT_EQ(request->model, "fast/gpt");
  EXPECT_EQ(request->temperature, 0.5);
  EXPECT_EQ(request->top_p, 0.9);
  EXPECT_EQ(request->max_tokens, 64);
  EXPECT_EQ(request->stop, std::vector<std::string>{"END"});
  EXPECT_TRUE(request->stream);
  ASSERT_EQ(request->messages.size(), 2u);
  EXPECT_EQ(request->messages[1].name, "ann");
  EXPECT_EQ(request->extra.at("seed"), 7);
  EXPECT_TRUE(request->extra.contains("tools"));
  EXPECT_FALSE(request->extra.contains("stream_options"));  // the host sets its own
  EXPECT_FALSE(request->extra.contains("messages"));        // plain text messages are modelled whole
}

TEST(ChatRequest, KeepsRawMessagesWhenTheyCarryMoreThanText) {
  auto request = parse_chat_request(json::parse(R"({"messages": [
    {"role": "user", "content": [{"type": "text", "text": "look: "}, {"type": "image_url", "image_url": {"url": "x"}}]},
    {"role": "assistant", "content": null, "tool_calls": [{"id": "1"}]}]})"));
  ASSERT_TRUE(request) << request.error();
  EXPECT_EQ(request->messages[0].content, "look: ");
  ASSERT_TRUE(request->extra.contains("messages"));
  EXPECT_EQ(request->extra["messages"].size(), 2u);
}

// A content part whose "type" is not text was read with json::value and threw (found by
// fuzz_chat_request in CI): such parts are skipped like any other non-text part.
TEST(ChatRequest, SkipsContentPartsWhoseTypeIsNotText) {
  auto request = parse_chat_request(json::parse(R"({"messages": [
    {"role": "user", "content": [{"type": 1, "text": "a"}, {"type": null}, {"text": "b"}, {"type": "text", "text": "c"}]}]})"));
  ASSERT_TRUE(request) << request.error();
  EXPECT_EQ(request->messages[0].content, "c");
}

TEST(ChatRequest, RefusesWhatOpenAiRefuses) {
  const char* bad[] = {
      R"({})",
      R"({"messages": []})",
      R"({"messages": [{"content": "no role"}]})",
      R"({"messages": ["text"]})",
      R"({"model": 5, "messages": [{"role": "user", "content": "x"}]})",
      R"({"temperature": 3, "messages": [{"role": "user", "content": "x"}]})",
      R"({"temperature": "hot", "messages": [{"role": "user", "content": "x"}]})",
      R"({"top_p": -0.1, "messages": [{"role": "user", "content": "x"}]})",
      R"({"max_tokens": 0, "messages": [{"role": "user", "content": "x"}]})",
      R"({"max_tokens": 1.5, "messages": [{"role": "user", "content": "x"}]})",
      // Larger than an int: was narrowed to a negative number and sent upstream.
      R"({"max_tokens": 4294967296, "messages": [{"role": "user", "content": "x"}]})",
      R"({"max_tokens": 18446744073709551615, "messages": [{"role": "user", "content": "x"}]})",
      R"({"stop": 5, "messages": [{"role": "user", "content": "x"}]})",
      R"({"stop": ["a", 1], "messages": [{"role": "user", "content": "x"}]})",
      R"({"n": 2, "messages": [{"role": "user", "content": "x"}]})",
      R"({"stream": "yes", "messages": [{"role": "user", "content": "x"}]})",
  };
  for (const char* body : bad) {
    auto request = parse_chat_request(json::parse(body));
    EXPECT_FALSE(request) << body;
    if (!request) {
      EXPECT_FALSE(request.error().empty()) << body;
    }
  }
}

}  // namespace
}  // namespace switchboard
