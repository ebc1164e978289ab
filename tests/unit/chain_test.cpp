// The chain framework's own primitives: prompt | model | parser sequences, JSON parsing,
// parallel maps, branches, retries, fallbacks, batches, and streaming through parsers.
#include <gtest/gtest.h>

#include "../../plugins/frameworks/chain/runnable.hpp"
#include "recording_llm.hpp"

namespace {

using namespace chain;
using switchboard::test::RecordingLlm;

TEST(Chain, PromptModelParserIsASequence) {
  RecordingLlm llm;
  Context context{llm, "req_1", "guid_1", {}};
  auto story = prompt("You tell stories.", "A story of {hero} in {{braces}}.") |
               chat_model({0.5, 100, "gpt", "writer"}) | string_parser();
  auto result = story->invoke({{"hero", "Ada"}}, context);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(*result, "re: A story of Ada in {braces}.");
  ASSERT_EQ(llm.requests.size(), 1u);
  EXPECT_EQ(llm.requests[0].messages[0].content, "You tell stories.");
  EXPECT_EQ(llm.requests[0].temperature, 0.5);
  EXPECT_EQ(llm.requests[0].request_id, "req_1");
  ASSERT_EQ(context.steps.size(), 1u);
  EXPECT_EQ(context.steps[0].name, "writer");
  auto missing = story->invoke({{"villain", "x"}}, context);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().http_status, 422);
}

TEST(Chain, JsonParserReadsFencedAnswersAndRefusesProse) {
  RecordingLlm llm;
  Context context{llm, "", "", {}};
  llm.answer = "Here:\n```json\n{\"title\": \"Owls\", \"n\": 2}\n```";
  auto extract = chat_model() | json_parser();
  auto parsed = extract->invoke("give me json", context);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ((*parsed)["n"], 2);
  llm.answer = "no json here";
  auto prose = extract->invoke("give me json", context);
  ASSERT_FALSE(prose);
  EXPECT_EQ(prose.error().code, "OUTPUT_PARSER_ERROR");
}

TEST(Chain, ParallelBranchLambdaAndPassthroughCompose) {
  RecordingLlm llm;
  Context context{llm, "", "", {}};
  auto shout = lambda([](const Value& input, Context&) -> Result { return Value(input.get<std::string>() + "!"); });
  auto both = parallel({{"original", passthrough()}, {"loud", shout}, {"answer", chat_model() | string_parser()}});
  auto result = both->invoke("hi", context);
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)["original"], "hi");
  EXPECT_EQ((*result)["loud"], "hi!");
  EXPECT_EQ((*result)["answer"], "re: hi");

  auto route = branch({{[](const Value& v) { return v.value("kind", "") == "loud"; },
                        lambda([](const Value&, Context&) -> Result { return Value("LOUD"); })}},
                      lambda([](const Value&, Context&) -> Result { return Value("quiet"); }));
  EXPECT_EQ(*route->invoke({{"kind", "loud"}}, context), "LOUD");
  EXPECT_EQ(*route->invoke({{"kind", "other"}}, context), "quiet");
}

TEST(Chain, RetriesAndFallbacks) {
  RecordingLlm llm;
  Context context{llm, "", "", {}};
  llm.failures = 1;
  auto retried = with_retry(chat_model() | string_parser(), 2);
  auto result = retried->invoke("x", context);
  ASSERT_TRUE(result);
  EXPECT_EQ(llm.requests.size(), 2u);  // one failure, one success

  llm.failures = 5;
  auto exhausted = with_retry(chat_model(), 2)->invoke("x", context);
  EXPECT_FALSE(exhausted);
  EXPECT_EQ(llm.requests.size(), 4u);

  llm.fail = true;
  auto rescued = with_fallbacks(chat_model() | string_parser(),
                                {lambda([](const Value&, Context&) -> Result { return Value("fallback"); })});
  EXPECT_EQ(*rescued->invoke("x", context), "fallback");
}

TEST(Chain, BatchAndStream) {
  RecordingLlm llm;
  Context context{llm, "", "", {}};
  auto answer = chat_model() | string_parser();
  auto results = answer->batch({"a", "b", "c"}, context);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(*results[1], "re: b");
  EXPECT_EQ(context.steps.size(), 3u);

  std::string streamed;
  int pieces = 0;
  auto story = prompt("", "tell {topic}") | chat_model() | string_parser();
  auto result = story->stream({{"topic", "owls and more owls"}}, context, [&](const std::string& text) {
    streamed += text;
    ++pieces;
  });
  ASSERT_TRUE(result);
  EXPECT_EQ(streamed, "re: tell owls and more owls");
  EXPECT_EQ(*result, streamed);  // the parser ran on the model's whole answer
  EXPECT_GT(pieces, 1);          // the model's deltas, as they came
}

}  // namespace
