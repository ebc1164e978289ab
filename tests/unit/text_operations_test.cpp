#include "analysis/text_operations.hpp"

#include <gtest/gtest.h>

#include "analysis/json_schema.hpp"

namespace switchboard::analysis {
namespace {

using nlohmann::json;

json fields_of(const tl::expected<TextTask, json>& task) {
  json fields = json::array();
  if (!task) {
    for (const auto& each : task.error()) fields.push_back(each["field"]);
  }
  return fields;
}

TEST(TextOperations, OptionsTakeTheirDefaultsWhenLeftOut) {
  auto task = parse_text_task({{"text", "Some text."}, {"operation", "summarize"}});
  ASSERT_TRUE(task) << task.error();
  EXPECT_STREQ(task->operation->id, "summarize");
  EXPECT_EQ(task->options, json({{"max_length", 100}}));
  auto points = parse_text_task({{"text", "t"}, {"operation", "key_points"}, {"options", {{"max_points", 20}}}});
  ASSERT_TRUE(points);
  EXPECT_EQ(points->options["max_points"], 20);
  auto sentiment = parse_text_task({{"text", "t"}, {"operation", "sentiment"}, {"question", "ignored?"}});
  ASSERT_TRUE(sentiment);
  EXPECT_TRUE(sentiment->options.empty());
}

TEST(TextOperations, EveryProblemOfARequestIsNamed) {
  EXPECT_EQ(fields_of(parse_text_task(json::object())), json({"text", "operation"}));
  EXPECT_EQ(fields_of(parse_text_task({{"text", "t"}, {"operation", "qa"}})), json({"question"}));
  EXPECT_EQ(fields_of(parse_text_task({{"operation", "qa"}})), json({"text", "question"}));
  EXPECT_EQ(fields_of(parse_text_task({{"text", "t"}, {"operation", "qa"}, {"question", std::string(2'001, 'q')}})),
            json({"question"}));
  EXPECT_EQ(fields_of(parse_text_task(
                {{"text", "t"}, {"operation", "summarize"}, {"options", {{"max_length", 9}, {"tone", "dry"}}}})),
            json({"options.max_length", "options.tone"}));
  EXPECT_EQ(fields_of(parse_text_task({{"text", "t"}, {"operation", "questions"}, {"options", {1, 2}}})),
            json({"options"}));
  EXPECT_EQ(fields_of(parse_text_task(json::array())), json({""}));
}

TEST(TextOperations, TextIsLimitedInCharacters) {
  std::string text(10'000, 'a');
  EXPECT_TRUE(parse_text_task({{"text", text}, {"operation", "sentiment"}}));
  EXPECT_EQ(fields_of(parse_text_task({{"text", text + "a"}, {"operation", "sentiment"}})), json({"text"}));
  EXPECT_EQ(code_points("na\xC3\xAFve \xE2\x9C\x93"), 7u);
}

TEST(TextOperations, WordsAreRunsBetweenWhitespace) {
  EXPECT_EQ(word_count(""), 0u);
  EXPECT_EQ(word_count("  \n\t"), 0u);
  EXPECT_EQ(word_count("one"), 1u);
  EXPECT_EQ(word_count(" two  words\n"), 2u);
  EXPECT_EQ(word_count("it's a well-known\tfact."), 4u);
}

TEST(TextOperations, StructuredOperationsHaveASchemaThatCompilesAndFitsTheirAnswers) {
  auto sentiment = parse_text_task({{"text", "t"}, {"operation", "sentiment"}});
  auto sentiment_schema = JsonSchema::compile(*text_task_schema(*sentiment));
  ASSERT_TRUE(sentiment_schema) << sentiment_schema.error();
  EXPECT_TRUE(
      sentiment_schema->problems({{"sentiment", "neutral"}, {"confidence", 0.5}, {"explanation", "x"}}).empty());
  EXPECT_FALSE(sentiment_schema->problems({{"sentiment", "angry"}, {"confidence", 0.5}, {"explanation", "x"}}).empty());
  EXPECT_FALSE(sentiment_schema->problems({{"sentiment", "neutral"}, {"confidence", 2}, {"explanation", "x"}}).empty());

  auto points = parse_text_task({{"text", "t"}, {"operation", "key_points"}, {"options", {{"max_points", 2}}}});
  auto points_schema = JsonSchema::compile(*text_task_schema(*points));
  ASSERT_TRUE(points_schema);
  EXPECT_TRUE(points_schema->problems({{"key_points", {"a", "b"}}}).empty());
  EXPECT_FALSE(points_schema->problems({{"key_points", {"a", "b", "c"}}}).empty());
  EXPECT_FALSE(points_schema->problems({{"key_points", json::array()}}).empty());
  EXPECT_EQ(text_task_answer(*points, {{"key_points", {"a", "b"}}}), json({"a", "b"}));

  auto questions = parse_text_task({{"text", "t"}, {"operation", "questions"}});
  EXPECT_EQ((*text_task_schema(*questions))["properties"]["questions"]["maxItems"], 5);
  EXPECT_NE(text_task_prompt(*questions).find("Write 5 questions"), std::string::npos);
}

TEST(TextOperations, TextOperationsHaveNoSchemaAndTellTheModelTheirOptions) {
  auto summary = parse_text_task({{"text", "A text."}, {"operation", "summarize"}, {"options", {{"max_length", 42}}}});
  EXPECT_FALSE(text_task_schema(*summary));
  EXPECT_NE(text_task_instructions(*summary).find("at most 42 words"), std::string::npos);
  EXPECT_NE(text_task_prompt(*summary).find("A text."), std::string::npos);
  auto qa = parse_text_task({{"text", "A text."}, {"operation", "qa"}, {"question", "Why?"}});
  EXPECT_FALSE(text_task_schema(*qa));
  EXPECT_NE(text_task_prompt(*qa).find("Question: Why?"), std::string::npos);
  EXPECT_EQ(text_task_answer(*qa, "Because."), "Because.");
}

TEST(TextOperations, TheListNamesEveryOperationOnce) {
  const auto list = text_operations_json();
  ASSERT_EQ(list.size(), 5u);
  for (const auto& each : list) {
    EXPECT_NE(find_text_operation(each["id"].get<std::string>()), nullptr);
    EXPECT_EQ(each["requires_question"], each["id"] == "qa");
  }
  EXPECT_EQ(find_text_operation("translate"), nullptr);
}

}  // namespace
}  // namespace switchboard::analysis
