// POST /v1/analyze through the real binary and a fake upstream: output validated against the
// caller's JSON Schema (or seed 001's structured response), a model that answers prose first
// repaired by sending the problems back, repairs that run out, XML checked well-formed, and
// bad requests refused naming the field.
#include <gtest/gtest.h>

#include <chrono>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

const json kInvoiceSchema = {
    {"type", "object"},
    {"required", {"invoice_number", "amount"}},
    {"properties", {{"invoice_number", {{"type", "string"}}}, {"amount", {{"type", "number"}}}}}};
const json kInvoice = {{"invoice_number", "12345"}, {"amount", 1250.0}};

class Analyze : public ::testing::Test {
 protected:
  FakeUpstream upstream_;
  ServerProcess server_{ServerOptions{R"(
plugins:
  - {name: openai, file: providers/openai.so}
  - {name: free, file: cost/free.so}
middleware: []
providers:
  - {name: fake, plugin: openai, base_url: )" +
                                          upstream_.base_url() +
                                          R"(, model: verbatim}
  - {name: fixer, plugin: openai, base_url: )" +
                                          upstream_.base_url() +
                                          R"(, model: repair-once}
default_provider: fake
)",
                                      {},
                                      {},
                                      {}}};
  HttpClient client_{server_.base_url()};

  HttpReply analyze(const json& body) { return client_.post("/v1/analyze", body.dump()); }
};

TEST_F(Analyze, OutputThatMatchesTheSchemaPassesAtOnce) {
  auto reply = analyze({{"prompt", kInvoice.dump()}, {"schema", kInvoiceSchema}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto out = reply.json();
  EXPECT_EQ(out["result"], kInvoice);
  EXPECT_EQ(out["validation_status"], "passed");
  EXPECT_EQ(out["repairs"], 0);
  EXPECT_EQ(out["output_format"], "json");
  EXPECT_EQ(out["provider_used"], "fake");
  EXPECT_EQ(out["cached"], false);
  ASSERT_EQ(upstream_.requests().size(), 1u);
  // The schema went out in the instructions.
  EXPECT_NE(upstream_.requests()[0].body["messages"][0]["content"].get<std::string>().find("invoice_number"),
            std::string::npos);
}

TEST_F(Analyze, ProseIsRepairedBySendingTheProblemsBack) {
  auto reply = analyze({{"prompt", kInvoice.dump()}, {"schema", kInvoiceSchema}, {"options", {{"provider", "fixer"}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["result"], kInvoice);
  EXPECT_EQ(reply.json()["repairs"], 1);
  EXPECT_EQ(reply.json()["provider_used"], "fixer");
  const auto requests = upstream_.requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& retry = requests[1].body["messages"];
  ASSERT_EQ(retry.size(), 4u);
  EXPECT_EQ(retry[2]["content"], "I think the number is 12345.");
  EXPECT_NE(retry[3]["content"].get<std::string>().find("no JSON object or array"), std::string::npos) << retry;
}

TEST_F(Analyze, RepairsThatRunOutAnswer422WithTheProblems) {
  auto reply = analyze({{"prompt", "not json at all"}, {"schema", kInvoiceSchema}});
  ASSERT_EQ(reply.status, 422) << reply.body;
  const auto error = reply.json()["error"];
  EXPECT_EQ(error["code"], "VALIDATION_FAILED");
  EXPECT_EQ(error["details"]["repairs"], 2);
  EXPECT_FALSE(error["details"]["problems"].empty());
  EXPECT_EQ(upstream_.requests().size(), 3u);  // the first answer and two repairs
}

TEST_F(Analyze, ACatastrophicPatternAnswersAtOnceAndTheServerLives) {
  // std::regex took 7.7 s for 26 a's and a '!' against this pattern, four times as long for
  // each two more: 60 would take years. RE2 matches in linear time.
  const json schema = {
      {"type", "object"}, {"required", {"v"}}, {"properties", {{"v", {{"type", "string"}, {"pattern", "^(a+)+$"}}}}}};
  const auto started = std::chrono::steady_clock::now();
  auto reply = analyze({{"prompt", json({{"v", std::string(60, 'a') + "!"}}).dump()}, {"schema", schema}});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(reply.status, 422) << reply.body;
  EXPECT_NE(reply.body.find("does not match the pattern"), std::string::npos) << reply.body;
  // Three validations (the answer and two repairs) through the fake upstream; generous for a
  // loaded machine and the ASan build, and still nowhere near what backtracking took.
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_EQ(client_.get("/health").status, 200);
}

TEST_F(Analyze, APatternMeetingA45000CharacterStringNoLongerKillsTheServer) {
  // std::regex recursed once per character of the string and overflowed the stack.
  const std::string long_text(45'000, 'a');
  const json schema = {{"type", "object"},
                       {"properties", {{"v", {{"type", "string"}, {"pattern", "^(a|b)+$"}, {"const", long_text}}}}}};
  auto reply = analyze({{"prompt", json({{"v", long_text}}).dump()}, {"schema", schema}});
  ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 300);
  EXPECT_EQ(reply.json()["result"]["v"], long_text);
  // A pattern RE2 cannot run (a back reference) is refused up front, naming why.
  auto refused = analyze({{"prompt", "{}"}, {"schema", {{"type", "string"}, {"pattern", "(a)\\1"}}}});
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("RE2"), std::string::npos) << refused.body;
  EXPECT_EQ(client_.get("/health").status, 200);
}

TEST_F(Analyze, WithoutASchemaTheSeedsStructuredResponseComesBack) {
  const json structured = {{"intent", "extract"},
                           {"subject", "invoice details"},
                           {"entities", {{"key_details", {"invoice_number: 12345"}}, {"source", "invoice"}}},
                           {"original_language", "en"},
                           {"confidence", 0.95}};
  auto reply = analyze({{"prompt", structured.dump()}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto out = reply.json();
  EXPECT_EQ(out["intent"], "extract");
  EXPECT_EQ(out["entities"]["key_details"][0], "invoice_number: 12345");
  EXPECT_EQ(out["confidence"], 0.95);
  EXPECT_EQ(out["validation_status"], "passed");
}

TEST_F(Analyze, XmlMustBeWellFormed) {
  auto good = analyze({{"prompt", "<invoice><number>12345</number></invoice>"}, {"format", "xml"}});
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(good.json()["xml"], "<invoice><number>12345</number></invoice>");
  EXPECT_EQ(good.json()["output_format"], "xml");
  auto bad = analyze({{"prompt", "<invoice><number>12345</invoice>"}, {"format", "xml"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
}

TEST_F(Analyze, BadRequestsAreRefusedNamingTheField) {
  json deep = {{"type", "object"}};
  for (int i = 0; i < 11; ++i) deep = {{"type", "object"}, {"properties", {{"x", deep}}}};
  const std::pair<json, std::string> cases[] = {
      {{{"prompt", ""}}, "prompt"},
      {{{"prompt", std::string(10'001, 'a')}}, "prompt"},
      {{{"prompt", "x"}, {"format", "yaml"}}, "format"},
      {{{"prompt", "x"}, {"schema", deep}}, "schema"},
      {{{"prompt", "x"}, {"schema", {{"type", 12}}}}, "schema"},
      {{{"prompt", "x"}, {"schema", {{"$ref", "#"}}}}, "schema"},  // once a crash: a cycle in place
      {{{"prompt", "x"}, {"options", {{"provider", "nowhere"}}}}, "options.provider"},
      {{{"prompt", "x"}, {"options", {{"temperature", 3}}}}, "options.temperature"},
  };
  for (const auto& [body, field] : cases) {
    auto reply = analyze(body);
    EXPECT_EQ(reply.status, 400) << field << ": " << reply.body;
    EXPECT_EQ(reply.json()["error"]["code"], "INVALID_REQUEST");
    EXPECT_EQ(reply.json()["error"]["details"][0]["field"], field) << reply.body;
  }
  EXPECT_EQ(upstream_.requests().size(), 0u);
}

TEST_F(Analyze, ASecondIdenticalCallIsServedFromTheCache) {
  const json body = {{"prompt", kInvoice.dump()}, {"schema", kInvoiceSchema}};
  ASSERT_EQ(analyze(body).json()["cached"], false);
  auto again = analyze(body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["cached"], true);
  EXPECT_EQ(again.json()["result"], kInvoice);
  EXPECT_EQ(upstream_.requests().size(), 1u);
}

TEST_F(Analyze, ABatchKeepsItsOrderAndCountsWhatFailed) {
  const json second = {{"invoice_number", "777"}, {"amount", 3.5}};
  auto reply = client_.post("/v1/analyze/batch", json({{"prompts", {kInvoice.dump(), "no json here", second.dump()}},
                                                       {"schema", kInvoiceSchema},
                                                       {"options", {{"temperature", 0}}}})
                                                     .dump());
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto out = reply.json();
  ASSERT_EQ(out["results"].size(), 3u);
  EXPECT_EQ(out["results"][0]["index"], 0);
  EXPECT_EQ(out["results"][0]["status"], "completed");
  EXPECT_EQ(out["results"][0]["result"], kInvoice);
  EXPECT_EQ(out["results"][1]["status"], "failed");
  EXPECT_EQ(out["results"][1]["error"]["code"], "VALIDATION_FAILED");
  EXPECT_EQ(out["results"][2]["result"], second);
  EXPECT_EQ(out["summary"], json({{"total", 3}, {"successful", 2}, {"failed", 1}}));
  EXPECT_TRUE(out["processing_time_ms"].is_number_integer());
  EXPECT_EQ(upstream_.requests().size(), 5u);  // two passed at once, one had two repairs
}

TEST_F(Analyze, ABadBatchIsRefusedNamingThePrompt) {
  const std::pair<json, std::string> cases[] = {
      {{{"prompts", json::array()}}, "prompts"},
      {{{"prompts", std::vector<std::string>(101, "x")}}, "prompts"},
      {{{"prompts", {"fine", 5}}}, "prompts[1]"},
      {{{"prompts", {"fine"}}, {"format", "csv"}}, "format"},
  };
  for (const auto& [body, field] : cases) {
    auto reply = client_.post("/v1/analyze/batch", body.dump());
    EXPECT_EQ(reply.status, 400) << field << ": " << reply.body;
    EXPECT_EQ(reply.json()["error"]["details"][0]["field"], field) << reply.body;
  }
  EXPECT_EQ(upstream_.requests().size(), 0u);
}

// The offline mock answers structured requests: analyze works on the default server.
TEST(AnalyzeOffline, TheMockAnswersJsonThatValidatesAndWellFormedXml) {
  ServerProcess server;
  HttpClient client(server.base_url());
  auto seeded = client.post("/v1/analyze", json({{"prompt", "Extract invoice details from Invoice #12345"}}).dump());
  ASSERT_EQ(seeded.status, 200) << seeded.body;
  EXPECT_TRUE(seeded.json()["entities"]["key_details"].is_array());
  EXPECT_EQ(seeded.json()["repairs"], 0);
  auto typed =
      client.post("/v1/analyze", json({{"prompt", "Invoice #12345 for 1250 EUR"}, {"schema", kInvoiceSchema}}).dump());
  ASSERT_EQ(typed.status, 200) << typed.body;
  EXPECT_TRUE(typed.json()["result"]["invoice_number"].is_string());
  EXPECT_TRUE(typed.json()["result"]["amount"].is_number());
  auto xml = client.post("/v1/analyze", json({{"prompt", "Invoice #12345"}, {"format", "xml"}}).dump());
  ASSERT_EQ(xml.status, 200) << xml.body;
  EXPECT_EQ(xml.json()["xml"].get<std::string>().rfind("<response>", 0), 0u);
}

}  // namespace
}  // namespace switchboard::test
