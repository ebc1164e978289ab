// The text operations of seed 002 through the real binary: on the embedded defaults (the
// offline mock answers structured requests with JSON that fits their schema) every operation
// answers in its own shape, bad requests are refused naming the field, and a batch answers each
// request in its place, failed ones included. Against a fake upstream: what the model is told,
// and structured answers checked against the operation's schema (repaired, or refused).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

const std::string kText =
    "The new library opened on Monday. Hundreds of readers came, the children's corner was full all day, "
    "and the staff had to order more chairs.";

void expect_invalid(const HttpReply& reply, const std::string& field) {
  EXPECT_EQ(reply.status, 400) << field << ": " << reply.body;
  const auto error = reply.json()["error"];
  EXPECT_EQ(error["code"], "INVALID_REQUEST") << reply.body;
  EXPECT_FALSE(error["message"].get<std::string>().empty());
  EXPECT_EQ(error["request_id"], reply.header("x-request-id"));
  ASSERT_TRUE(error["details"].is_array()) << reply.body;
  ASSERT_FALSE(error["details"].empty()) << reply.body;
  EXPECT_EQ(error["details"][0]["field"], field) << reply.body;
  EXPECT_FALSE(error["details"][0]["message"].get<std::string>().empty());
}

bool all_strings(const json& list) {
  if (!list.is_array() || list.empty()) return false;
  for (const auto& each : list) {
    if (!each.is_string() || each.get<std::string>().empty()) return false;
  }
  return true;
}

class TextProcessing : public ::testing::Test {
 protected:
  ServerProcess server_;
  HttpClient client_{server_.base_url()};

  HttpReply process(const json& body) { return client_.post("/v1/text_processing/process", body.dump()); }
  HttpReply batch(const json& body) { return client_.post("/v1/text_processing/batch_process", body.dump()); }
};

TEST_F(TextProcessing, ListsTheFiveOperationsWithTheirOptions) {
  auto reply = client_.get("/v1/text_processing/operations");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto operations = reply.json()["operations"];
  ASSERT_EQ(operations.size(), 5u) << reply.body;
  std::map<std::string, json> by_id;
  for (const auto& each : operations) {
    EXPECT_FALSE(each["name"].get<std::string>().empty());
    EXPECT_FALSE(each["description"].get<std::string>().empty());
    by_id[each["id"]] = each;
  }
  ASSERT_EQ(by_id.size(), 5u);
  EXPECT_EQ(by_id["summarize"]["options"][0]["name"], "max_length");
  EXPECT_EQ(by_id["summarize"]["options"][0]["default"], 100);
  EXPECT_EQ(by_id["summarize"]["options"][0]["minimum"], 10);
  EXPECT_EQ(by_id["summarize"]["options"][0]["maximum"], 500);
  EXPECT_EQ(by_id["key_points"]["options"][0]["name"], "max_points");
  EXPECT_EQ(by_id["key_points"]["options"][0]["default"], 5);
  EXPECT_EQ(by_id["questions"]["options"][0]["name"], "num_questions");
  EXPECT_EQ(by_id["questions"]["options"][0]["maximum"], 20);
  EXPECT_TRUE(by_id["sentiment"]["options"].empty());
  EXPECT_TRUE(by_id["qa"]["requires_question"]);
  EXPECT_FALSE(by_id["summarize"]["requires_question"]);
  EXPECT_FALSE(by_id["sentiment"]["requires_question"]);
}

TEST_F(TextProcessing, EachOperationAnswersInItsShape) {
  for (const char* operation : {"summarize", "sentiment", "key_points", "questions", "qa"}) {
    SCOPED_TRACE(operation);
    json body = {{"text", kText}, {"operation", operation}};
    if (std::string(operation) == "qa") body["question"] = "When did the library open?";
    auto reply = process(body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto out = reply.json();
    EXPECT_EQ(out["operation"], operation);
    EXPECT_EQ(out["success"], true);
    EXPECT_EQ(out["metadata"]["word_count"], 25);
    EXPECT_EQ(out["provider_used"], "mock");
    EXPECT_FALSE(out["model"].get<std::string>().empty());
    EXPECT_GE(out["processing_time_ms"].get<std::int64_t>(), 0);
    EXPECT_EQ(out["request_id"], reply.header("x-request-id"));
  }
  auto summary = process({{"text", kText}, {"operation", "summarize"}}).json();
  EXPECT_NE(summary["result"].get<std::string>().find("Mock answer"), std::string::npos) << summary;
  EXPECT_FALSE(summary.contains("sentiment"));

  auto sentiment = process({{"text", kText}, {"operation", "sentiment"}}).json()["sentiment"];
  EXPECT_TRUE(std::set<std::string>({"positive", "negative", "neutral"}).count(sentiment["sentiment"])) << sentiment;
  EXPECT_GE(sentiment["confidence"].get<double>(), 0.0);
  EXPECT_LE(sentiment["confidence"].get<double>(), 1.0);
  EXPECT_TRUE(sentiment["explanation"].is_string()) << sentiment;

  auto points = process({{"text", kText}, {"operation", "key_points"}, {"options", {{"max_points", 3}}}}).json();
  EXPECT_TRUE(all_strings(points["key_points"])) << points;
  EXPECT_LE(points["key_points"].size(), 3u);
  EXPECT_FALSE(points.contains("result"));

  auto questions = process({{"text", kText}, {"operation", "questions"}, {"options", {{"num_questions", 2}}}}).json();
  EXPECT_TRUE(all_strings(questions["questions"])) << questions;
  EXPECT_LE(questions["questions"].size(), 2u);

  auto answer = process({{"text", kText}, {"operation", "qa"}, {"question", "Who came?"}}).json();
  EXPECT_TRUE(answer["result"].is_string());
  EXPECT_FALSE(answer["result"].get<std::string>().empty());
}

TEST_F(TextProcessing, QaWithoutAQuestionIsRefusedNamingTheQuestion) {
  expect_invalid(process({{"text", kText}, {"operation", "qa"}}), "question");
  expect_invalid(process({{"text", kText}, {"operation", "qa"}, {"question", "  "}}), "question");
}

TEST_F(TextProcessing, BadRequestsAreRefusedNamingTheField) {
  const std::pair<json, std::string> cases[] = {
      {{{"operation", "summarize"}}, "text"},
      {{{"text", ""}, {"operation", "summarize"}}, "text"},
      {{{"text", " \n\t "}, {"operation", "summarize"}}, "text"},
      {{{"text", std::string(10'001, 'a')}, {"operation", "summarize"}}, "text"},
      {{{"text", 42}, {"operation", "summarize"}}, "text"},
      {{{"text", kText}}, "operation"},
      {{{"text", kText}, {"operation", "translate"}}, "operation"},
      {{{"text", kText}, {"operation", "summarize"}, {"options", {{"max_length", 5}}}}, "options.max_length"},
      {{{"text", kText}, {"operation", "summarize"}, {"options", {{"max_length", 50.5}}}}, "options.max_length"},
      {{{"text", kText}, {"operation", "key_points"}, {"options", {{"max_points", 21}}}}, "options.max_points"},
      {{{"text", kText}, {"operation", "questions"}, {"options", {{"num_questions", 0}}}}, "options.num_questions"},
      {{{"text", kText}, {"operation", "sentiment"}, {"options", {{"max_length", 50}}}}, "options.max_length"},
      {{{"text", kText}, {"operation", "summarize"}, {"options", "short"}}, "options"},
      {{{"text", kText}, {"operation", "qa"}, {"question", 7}}, "question"},
  };
  for (const auto& [body, field] : cases) expect_invalid(process(body), field);
  auto not_json = client_.post("/v1/text_processing/process", "{\"text\": ");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.json()["error"]["code"], "INVALID_JSON");
  EXPECT_EQ(not_json.json()["error"]["request_id"], not_json.header("x-request-id"));
}

TEST_F(TextProcessing, TheLimitCountsCharactersNotBytes) {
  std::string text;
  for (int i = 0; i < 10'000; ++i) text += "\xC3\xA9";  // é: two bytes, one character
  auto reply = process({{"text", text}, {"operation", "summarize"}});
  ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 300);
  EXPECT_EQ(reply.json()["metadata"]["word_count"], 1);
  expect_invalid(process({{"text", text + "e"}, {"operation", "summarize"}}), "text");
}

TEST_F(TextProcessing, AModelFailureIsAnErrorWithTheRequestId) {
  auto reply = process({{"text", "[mock:fail] " + kText}, {"operation", "summarize"}});
  EXPECT_GE(reply.status, 500) << reply.body;
  EXPECT_EQ(reply.json()["error"]["code"], "LLM_PROVIDER_ERROR") << reply.body;
  EXPECT_EQ(reply.json()["error"]["request_id"], reply.header("x-request-id"));
}

TEST_F(TextProcessing, ABatchAnswersEachRequestInItsPlace) {
  const json requests = {
      {{"text", kText}, {"operation", "summarize"}},
      {{"text", "[mock:fail] " + kText}, {"operation", "sentiment"}},
      {{"text", kText}, {"operation", "qa"}},  // no question
      {{"text", kText}, {"operation", "key_points"}, {"options", {{"max_points", 2}}}},
      {{"text", kText}, {"operation", "qa"}, {"question", "Who came?"}},
  };
  auto reply = batch({{"requests", requests}, {"batch_id", "nightly-7"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto out = reply.json();
  EXPECT_EQ(out["batch_id"], "nightly-7");
  EXPECT_EQ(out["total_requests"], 5);
  EXPECT_EQ(out["completed"], 3);
  EXPECT_EQ(out["failed"], 2);
  EXPECT_GE(out["total_processing_time_ms"].get<std::int64_t>(), 0);
  const auto& results = out["results"];
  ASSERT_EQ(results.size(), 5u);
  for (std::size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i]["request_index"], i);
  EXPECT_EQ(results[0]["status"], "completed");
  EXPECT_EQ(results[0]["response"]["operation"], "summarize");
  EXPECT_TRUE(results[0]["response"]["result"].is_string());
  EXPECT_EQ(results[1]["status"], "failed");
  EXPECT_EQ(results[1]["error"]["code"], "LLM_PROVIDER_ERROR") << results[1];
  EXPECT_FALSE(results[1].contains("response"));
  EXPECT_EQ(results[2]["status"], "failed");
  EXPECT_EQ(results[2]["http_status"], 400);
  EXPECT_EQ(results[2]["error"]["code"], "INVALID_REQUEST");
  EXPECT_EQ(results[2]["error"]["details"][0]["field"], "question");
  EXPECT_EQ(results[3]["status"], "completed");
  EXPECT_TRUE(all_strings(results[3]["response"]["key_points"])) << results[3];
  EXPECT_EQ(results[4]["status"], "completed");
  EXPECT_EQ(results[4]["response"]["operation"], "qa");

  // Without a batch id the server makes one, a new one each time.
  auto first = batch({{"requests", {requests[0]}}}).json();
  auto second = batch({{"requests", {requests[0]}}}).json();
  EXPECT_FALSE(first["batch_id"].get<std::string>().empty());
  EXPECT_NE(first["batch_id"], second["batch_id"]);
  EXPECT_EQ(first["completed"], 1);
}

TEST_F(TextProcessing, ABadBatchEnvelopeIsRefused) {
  const json one = {{"text", kText}, {"operation", "summarize"}};
  const std::pair<json, std::string> cases[] = {
      {json::object(), "requests"},
      {{{"requests", json::array()}}, "requests"},
      {{{"requests", one}}, "requests"},
      {{{"requests", json(51, one)}}, "requests"},
      {{{"requests", {one}}, {"batch_id", 12}}, "batch_id"},
      {{{"requests", {one}}, {"batch_id", std::string(101, 'b')}}, "batch_id"},
  };
  for (const auto& [body, field] : cases) expect_invalid(batch(body), field);
}

// A fake upstream whose "verbatim" model answers the last user message as it is: what the model
// is sent shows, and a text that holds JSON is the model's answer to a structured operation.
class TextProcessingUpstream : public ::testing::Test {
 protected:
  FakeUpstream upstream_;
  ServerProcess server_{ServerOptions{fake_upstream_config(upstream_, {{"fake", "verbatim"}}), {}, {}, {}}};
  HttpClient client_{server_.base_url()};

  HttpReply process(const json& body) { return client_.post("/v1/text_processing/process", body.dump()); }
};

TEST_F(TextProcessingUpstream, TheModelIsToldTheTextTheQuestionAndTheOptions) {
  auto summary = process({{"text", kText}, {"operation", "summarize"}, {"options", {{"max_length", 20}}}});
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_EQ(summary.json()["provider_used"], "fake");
  auto answer = process({{"text", kText}, {"operation", "qa"}, {"question", "Who ordered chairs?"}});
  ASSERT_EQ(answer.status, 200) << answer.body;
  const auto requests = upstream_.requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& summarize = requests[0].body["messages"];
  EXPECT_NE(summarize[0]["content"].get<std::string>().find("at most 20 words"), std::string::npos) << summarize;
  EXPECT_NE(summarize[1]["content"].get<std::string>().find(kText), std::string::npos);
  const std::string qa = requests[1].body["messages"][1]["content"];
  EXPECT_NE(qa.find("Who ordered chairs?"), std::string::npos);
  EXPECT_NE(qa.find(kText), std::string::npos);
  // verbatim: the answer is the user message, trimmed.
  EXPECT_EQ(answer.json()["result"], qa);
}

TEST_F(TextProcessingUpstream, AStructuredAnswerMustFitTheOperationsSchema) {
  const json feeling = {{"sentiment", "negative"}, {"confidence", 0.8}, {"explanation", "a sad text"}};
  auto sentiment = process({{"text", feeling.dump()}, {"operation", "sentiment"}});
  ASSERT_EQ(sentiment.status, 200) << sentiment.body;
  EXPECT_EQ(sentiment.json()["sentiment"], feeling);
  auto requests = upstream_.requests();
  ASSERT_EQ(requests.size(), 1u);
  // The schema went out as the response format, for models that keep to it themselves.
  EXPECT_EQ(requests[0].body["response_format"]["json_schema"]["schema"]["properties"]["sentiment"]["enum"],
            json({"positive", "negative", "neutral"}))
      << requests[0].body.dump();

  const json points = {{"key_points", {"one", "two", "three"}}};
  auto fits = process({{"text", points.dump()}, {"operation", "key_points"}, {"options", {{"max_points", 3}}}});
  ASSERT_EQ(fits.status, 200) << fits.body;
  EXPECT_EQ(fits.json()["key_points"], points["key_points"]);

  // Three points where two were asked for: sent back twice, then refused with the problems.
  auto too_many = process({{"text", points.dump()}, {"operation", "key_points"}, {"options", {{"max_points", 2}}}});
  ASSERT_EQ(too_many.status, 422) << too_many.body;
  EXPECT_EQ(too_many.json()["error"]["code"], "VALIDATION_FAILED");
  EXPECT_EQ(too_many.json()["error"]["details"]["repairs"], 2);
  EXPECT_EQ(too_many.json()["error"]["request_id"], too_many.header("x-request-id"));
  EXPECT_EQ(upstream_.requests().size(), 2u + 3u);
}

}  // namespace
}  // namespace switchboard::test
