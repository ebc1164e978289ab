#include "analysis/model_output.hpp"

#include <gtest/gtest.h>

namespace switchboard::analysis {
namespace {

using nlohmann::json;

TEST(ModelOutput, BareJsonIsTakenAsItIs) {
  EXPECT_EQ(*extract_json(R"({"a": 1})"), (json{{"a", 1}}));
  EXPECT_EQ(*extract_json("  [1, 2]\n"), json::array({1, 2}));
}

TEST(ModelOutput, CodeFencesAndProseAroundAreTolerated) {
  EXPECT_EQ(*extract_json("Here you go:\n```json\n{\"name\": \"Ada\"}\n```\nAnything else?"), (json{{"name", "Ada"}}));
  EXPECT_EQ(*extract_json("```\n[true]\n```"), json::array({true}));
  // A fence that does not hold JSON is skipped for one that does.
  EXPECT_EQ(*extract_json("```python\nprint(1)\n```\n```json\n{\"ok\": true}\n```"), (json{{"ok", true}}));
  EXPECT_EQ(*extract_json(R"(The result is {"sum": 3, "note": "a } in a string"} as requested.)"),
            (json{{"sum", 3}, {"note", "a } in a string"}}));
  // A bracket in the prose before the value does not stop the search.
  EXPECT_EQ(*extract_json(R"(Options [a or b]: {"pick": "a"})"), (json{{"pick", "a"}}));
}

TEST(ModelOutput, NoJsonOrTooDeepIsAnErrorWithTheReason) {
  EXPECT_EQ(extract_json("I cannot help with that.").error(), "no JSON object or array in the answer");
  EXPECT_EQ(extract_json("{\"unclosed\": ").error(), "no JSON object or array in the answer");
  EXPECT_EQ(extract_json("").error(), "no JSON object or array in the answer");
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(extract_json(deep).error(), "nested deeper than 64 levels");
  const std::string fine = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(extract_json(fine).has_value());
}

TEST(ModelOutput, ManyOpenBracketsCostBoundedWork) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "{\"k\" ";
  EXPECT_FALSE(extract_json(text).has_value());
}

}  // namespace
}  // namespace switchboard::analysis
