#include "analysis/json_schema.hpp"

#include <gtest/gtest.h>

namespace switchboard::analysis {
namespace {

using nlohmann::json;

const json kPerson = {{"type", "object"},
                      {"required", {"name", "age"}},
                      {"properties", {{"name", {{"type", "string"}}}, {"age", {{"type", "integer"}, {"minimum", 0}}}}}};

TEST(JsonSchema, ValidDocumentsHaveNoProblems) {
  auto schema = JsonSchema::compile(kPerson);
  ASSERT_TRUE(schema) << schema.error();
  EXPECT_TRUE(schema->problems({{"name", "Ada"}, {"age", 36}}).empty());
}

TEST(JsonSchema, EachProblemNamesWhereAndWhy) {
  auto schema = JsonSchema::compile(kPerson);
  ASSERT_TRUE(schema);
  const auto problems = schema->problems({{"name", 7}, {"age", -1}});
  ASSERT_FALSE(problems.empty());
  std::string all;
  for (const auto& problem : problems) all += problem + "\n";
  EXPECT_NE(all.find("/name"), std::string::npos) << all;
  EXPECT_NE(all.find("/age"), std::string::npos) << all;
  EXPECT_FALSE(schema->problems({{"name", "Ada"}}).empty()) << "age is required";
}

TEST(JsonSchema, LimitsAndBrokenSchemasAreRefusedWithTheReason) {
  json deep = {{"type", "object"}};
  for (int i = 0; i < 11; ++i) deep = {{"type", "object"}, {"properties", {{"x", deep}}}};
  EXPECT_NE(JsonSchema::compile(deep).error().find("deeper than 10"), std::string::npos);
  json big = {{"type", "object"}, {"description", std::string(50'001, 'x')}};
  EXPECT_NE(JsonSchema::compile(big).error().find("larger than 50000 bytes"), std::string::npos);
  EXPECT_EQ(JsonSchema::compile(json::array()).error(), "the schema must be a JSON object");
  EXPECT_NE(JsonSchema::compile({{"type", 12}}).error().find("not a valid JSON Schema"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::analysis
