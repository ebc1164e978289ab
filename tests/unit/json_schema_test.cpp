#include "analysis/json_schema.hpp"

#include <chrono>

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

// A reference cycle that never descends into the document would be followed by valijson until
// the stack ran out ({"$ref": "#"} crashed the server): refused up front. Recursion through
// the document (a tree) is fine.
TEST(JsonSchema, ReferenceCyclesInPlaceAreRefusedRecursionThroughTheDocumentIsNot) {
  const json cycles[] = {
      {{"$ref", "#"}},
      {{"definitions", {{"a", {{"$ref", "#/definitions/b"}}}, {"b", {{"$ref", "#/definitions/a"}}}}},
       {"$ref", "#/definitions/a"}},
      {{"type", "object"}, {"allOf", {{{"$ref", "#"}}}}},
      {{"not", {{"anyOf", {{{"$ref", "#"}}}}}}},
  };
  for (const auto& schema : cycles) {
    auto compiled = JsonSchema::compile(schema);
    ASSERT_FALSE(compiled) << schema;
    EXPECT_NE(compiled.error().find("refers to itself"), std::string::npos) << compiled.error();
  }
  EXPECT_NE(JsonSchema::compile({{"$ref", "#anchor"}}).error().find("only local references"), std::string::npos);
  EXPECT_NE(JsonSchema::compile({{"$ref", "https://example.com/s.json"}}).error().find("only local references"),
            std::string::npos);
  EXPECT_NE(JsonSchema::compile({{"$ref", "#/definitions/missing"}}).error().find("reference to nothing"),
            std::string::npos);
  EXPECT_NE(
      JsonSchema::compile({{"properties", {{"a", {{"$id", "http://x/y"}, {"type", "string"}}}}}}).error().find("$id"),
      std::string::npos);

  const json tree = {
      {"type", "object"},
      {"required", {"name"}},
      {"properties", {{"name", {{"type", "string"}}}, {"children", {{"type", "array"}, {"items", {{"$ref", "#"}}}}}}}};
  auto compiled = JsonSchema::compile(tree);
  ASSERT_TRUE(compiled) << compiled.error();
  EXPECT_TRUE(compiled->problems({{"name", "root"}, {"children", {{{"name", "leaf"}}}}}).empty());
  EXPECT_FALSE(compiled->problems({{"name", "root"}, {"children", {{{"children", json::array()}}}}}).empty());
  // A property called $id is a name, not a base.
  EXPECT_TRUE(JsonSchema::compile({{"properties", {{"$id", {{"type", "string"}}}}}}));
}

}  // namespace
}  // namespace switchboard::analysis

namespace switchboard::analysis {
namespace {

using nlohmann::json;

// Whether one of `problems` says `text` (valijson adds a problem for each enclosing property).
bool says(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& problem : problems) {
    if (problem.find(text) != std::string::npos) return true;
  }
  return false;
}

// Patterns run on RE2: the backtracking std::regex valijson uses took 7.7 s for this pattern
// against 26 a's and a '!', four times as long for each two more.
TEST(JsonSchemaPatterns, ACatastrophicPatternAnswersInLinearTime) {
  auto schema = JsonSchema::compile({{"type", "string"}, {"pattern", "^(a+)+$"}});
  ASSERT_TRUE(schema) << schema.error();
  const auto started = std::chrono::steady_clock::now();
  const auto problems = schema->problems(std::string(5000, 'a') + "!");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(says(problems, "does not match the pattern ^(a+)+$"));
  EXPECT_TRUE(schema->problems(std::string(5000, 'a')).empty());
  EXPECT_LT(elapsed, std::chrono::milliseconds(100));  // the issue's bound; RE2 takes microseconds
}

// A pattern meeting a long string overflowed std::regex's stack (it recurses per character).
TEST(JsonSchemaPatterns, ALongStringMeetsPatternsAndFormatsWithoutRecursion) {
  const std::string long_text(200'000, '7');
  auto schema = JsonSchema::compile(
      {{"type", "object"},
       {"properties",
        {{"a", {{"pattern", "^[0-9]+$"}}}, {"b", {{"format", "date"}}}, {"c", {{"format", "date-time"}}}}}});
  ASSERT_TRUE(schema) << schema.error();
  EXPECT_TRUE(schema->problems({{"a", long_text}}).empty());
  const auto problems = schema->problems({{"b", long_text}, {"c", long_text}});
  EXPECT_TRUE(says(problems, "/b: String should be a valid date"));
  EXPECT_TRUE(says(problems, "/c: String should be a valid date-time"));
  EXPECT_TRUE(schema->problems({{"b", long_text + "-02-28"}}).empty()) << "a year may have any number of digits";
}

TEST(JsonSchemaPatterns, PatternsKeepTheirMeaningInEveryPlaceOfASchema) {
  auto schema =
      JsonSchema::compile({{"definitions", {{"code", {{"type", "string"}, {"pattern", "^[A-Z]{3}$"}}}}},
                           {"type", "object"},
                           {"properties",
                            {{"pattern", {{"$ref", "#/definitions/code"}}},  // a property named like the keyword
                             {"list", {{"type", "array"}, {"items", {{"pattern", "x"}}}}},
                             {"either", {{"anyOf", json::array({{{"pattern", "^a"}}, {{"pattern", "^b"}}})}}},
                             {"fixed", {{"const", {{"pattern", "^(a+)+$"}}}}}}},
                           {"propertyNames", {{"pattern", "^[a-z]+$"}}}});
  ASSERT_TRUE(schema) << schema.error();
  EXPECT_TRUE(schema->problems({{"pattern", "ABC"}, {"list", {"xy", "ax"}}, {"either", "bee"}}).empty());
  EXPECT_TRUE(says(schema->problems({{"pattern", "abc"}}), "/pattern: does not match the pattern ^[A-Z]{3}$"));
  EXPECT_TRUE(says(schema->problems({{"list", {"xy", "y"}}}), "/list/1: does not match the pattern x"));
  EXPECT_FALSE(says(schema->problems({{"list", {"xy", "y"}}}), "/list/0"));
  EXPECT_FALSE(schema->problems({{"either", "cat"}}).empty());
  EXPECT_FALSE(schema->problems({{"Upper", 1}}).empty()) << "propertyNames applies its pattern to names";
  // `const` keeps its value: the keyword inside it is data, not a pattern.
  EXPECT_TRUE(schema->problems({{"fixed", {{"pattern", "^(a+)+$"}}}}).empty());
  EXPECT_FALSE(schema->problems({{"fixed", {{"x-switchboard-re2-pattern", "^(a+)+$"}}}}).empty());
}

TEST(JsonSchemaPatterns, FormatsAreCheckedAsBefore) {
  auto schema = JsonSchema::compile({{"type", "object"},
                                     {"properties",
                                      {{"d", {{"format", "date"}}},
                                       {"t", {{"format", "time"}}},
                                       {"dt", {{"format", "date-time"}}},
                                       {"e", {{"format", "email"}}}}}});
  ASSERT_TRUE(schema) << schema.error();
  EXPECT_TRUE(
      schema
          ->problems(
              {{"d", "2024-02-29"}, {"t", "16:52:45+02:00"}, {"dt", "2022-07-18T16:52:45Z"}, {"e", "not checked"}})
          .empty());
  EXPECT_TRUE(says(schema->problems({{"d", "2023-02-29"}}), "/d: String should be a valid date")) << "not a leap year";
  EXPECT_TRUE(says(schema->problems({{"d", "2100-02-29"}}), "/d: String should be a valid date")) << "not a leap year";
  EXPECT_TRUE(schema->problems({{"d", "2000-02-29"}}).empty());
  EXPECT_TRUE(says(schema->problems({{"d", "2024-04-31"}}), "/d: String should be a valid date"));
  EXPECT_TRUE(says(schema->problems({{"t", "24:00:00Z"}}), "/t: String should be a valid time"));
  EXPECT_TRUE(says(schema->problems({{"dt", "2022-07-18 16:52:45Z"}}), "/dt: String should be a valid date-time"));
  EXPECT_TRUE(schema->problems({{"d", 5}}).empty()) << "formats apply to strings only";
}

TEST(JsonSchemaPatterns, PatternsRe2CannotRunOrTooLongAreRefusedUpFront) {
  EXPECT_NE(JsonSchema::compile({{"pattern", "(a)\\1"}}).error().find("RE2"), std::string::npos);
  EXPECT_NE(JsonSchema::compile({{"pattern", "(?=a)"}}).error().find("RE2"), std::string::npos);
  EXPECT_NE(JsonSchema::compile({{"pattern", std::string(1001, 'a')}}).error().find("longer than 1000"),
            std::string::npos);
  EXPECT_NE(
      JsonSchema::compile({{"patternProperties", {{"^a", {{"type", "string"}}}}}}).error().find("patternProperties"),
      std::string::npos);
  EXPECT_FALSE(JsonSchema::compile({{"pattern", 7}}));
  EXPECT_TRUE(JsonSchema::compile({{"pattern", std::string(1000, 'a')}}));
}

}  // namespace
}  // namespace switchboard::analysis
