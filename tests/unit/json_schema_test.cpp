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
