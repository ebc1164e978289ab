#include "analysis/structured_answer.hpp"

#include <gtest/gtest.h>

namespace switchboard::analysis {
namespace {

using nlohmann::json;

// A model that gives the prepared answers in turn and keeps what it was asked.
struct ScriptedModel {
  std::vector<std::string> answers;
  std::vector<plugin::ChatRequest> asked;
  CompleteFn fn() {
    return [this](const plugin::ChatRequest& call) -> tl::expected<plugin::ChatResult, plugin::LlmError> {
      asked.push_back(call);
      plugin::ChatResult result;
      result.content = answers.at(asked.size() - 1);
      result.provider = "scripted";
      result.usage = {10, 5, 0};
      return result;
    };
  }
};

StructuredRequest invoice_request() {
  StructuredRequest request;
  request.prompt = "Extract: Invoice #12345, 2025-01-15, $1,250.00";
  request.schema_json = {{"type", "object"},
                         {"required", {"invoice_number", "amount"}},
                         {"properties", {{"invoice_number", {{"type", "string"}}}, {"amount", {{"type", "number"}}}}}};
  request.schema = *JsonSchema::compile(request.schema_json);
  return request;
}

TEST(StructuredAnswer, AValidAnswerPassesAtOnce) {
  ScriptedModel model{{"```json\n{\"invoice_number\": \"12345\", \"amount\": 1250.0}\n```"}, {}};
  auto answer = ask_structured(invoice_request(), model.fn());
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->validation_status, "passed");
  EXPECT_EQ(answer->repairs, 0);
  EXPECT_EQ(answer->output["amount"], 1250.0);
  EXPECT_EQ(answer->provider, "scripted");
  // The schema went out with the instructions.
  EXPECT_NE(model.asked[0].messages[0].content.find("invoice_number"), std::string::npos);
}

TEST(StructuredAnswer, AnInvalidAnswerIsRepairedWithItsProblems) {
  ScriptedModel model{{"Sure! The invoice number is 12345.", R"({"invoice_number": 12345, "amount": 1250})",
                       R"({"invoice_number": "12345", "amount": 1250})"},
                      {}};
  auto answer = ask_structured(invoice_request(), model.fn());
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->validation_status, "passed");
  EXPECT_EQ(answer->repairs, 2);
  EXPECT_EQ(answer->usage.input_tokens, 30);
  ASSERT_EQ(model.asked.size(), 3u);
  // Each retry carries the answer and what was wrong with it.
  const auto& second = model.asked[1].messages;
  ASSERT_EQ(second.size(), 4u);
  EXPECT_EQ(second[2].content, "Sure! The invoice number is 12345.");
  EXPECT_NE(second[3].content.find("no JSON object or array"), std::string::npos) << second[3].content;
  EXPECT_NE(model.asked[2].messages[5].content.find("/invoice_number"), std::string::npos);
}

TEST(StructuredAnswer, RepairsRunOutIntoFailedWithTheLastProblems) {
  ScriptedModel model{{"no", "still no"}, {}};
  auto request = invoice_request();
  request.max_repairs = 1;
  auto answer = ask_structured(request, model.fn());
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->validation_status, "failed");
  EXPECT_EQ(answer->repairs, 1);
  EXPECT_FALSE(answer->problems.empty());
}

TEST(StructuredAnswer, WithoutASchemaTheSeedsStructuredResponseIsRequired) {
  ScriptedModel model{{R"({"intent": "extract", "subject": "invoice", "entities": {"key_details": ["n: 1"]},
                          "original_language": "en", "confidence": 0.9})"},
                      {}};
  StructuredRequest request;
  request.prompt = "Extract";
  auto answer = ask_structured(request, model.fn());
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->validation_status, "passed");
  ScriptedModel wrong{{R"({"intent": "extract"})"}, {}};
  request.max_repairs = 0;
  EXPECT_EQ(ask_structured(request, wrong.fn())->validation_status, "failed");
}

TEST(StructuredAnswer, XmlMustBeWellFormed) {
  StructuredRequest request;
  request.prompt = "As XML";
  request.format = "xml";
  ScriptedModel model{{"Here: <invoice><n>1</invoice>", "<invoice><n>1</n></invoice>"}, {}};
  auto answer = ask_structured(request, model.fn());
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->validation_status, "passed");
  EXPECT_EQ(answer->repairs, 1);
  EXPECT_EQ(answer->output["xml"], "<invoice><n>1</n></invoice>");
  EXPECT_NE(model.asked[1].messages[3].content.find("line 1"), std::string::npos) << model.asked[1].messages[3].content;
}

TEST(StructuredAnswer, AnLlmErrorIsPassedOn) {
  CompleteFn failing = [](const plugin::ChatRequest&) -> tl::expected<plugin::ChatResult, plugin::LlmError> {
    return tl::unexpected(plugin::LlmError{"LLM_PROVIDER_ERROR", "down", 503});
  };
  auto answer = ask_structured(invoice_request(), failing);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().http_status, 503);
}

}  // namespace
}  // namespace switchboard::analysis
