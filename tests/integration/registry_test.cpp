// The schema and template registry of seed 001 through the real binary (SQLite): schemas
// versioned by name, read by version, soft-deleted; templates created, replaced and deleted,
// their placeholders checked against their parameters; /v1/analyze with a stored schema
// (schema_name) or a rendered template instead of `schema` or `prompt`. Bad requests are
// refused naming the field.
#include <gtest/gtest.h>

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
const json kReceiptSchema = {{"type", "object"},
                             {"required", {"total"}},
                             {"properties", {{"total", {{"type", "number"}}}, {"currency", {{"type", "string"}}}}}};

void expect_error(const HttpReply& reply, int status, const std::string& code) {
  EXPECT_EQ(reply.status, status) << reply.body;
  const auto error = reply.json()["error"];
  EXPECT_EQ(error["code"], code) << reply.body;
  EXPECT_FALSE(error["message"].get<std::string>().empty()) << reply.body;
  EXPECT_EQ(error["request_id"], reply.header("x-request-id")) << reply.body;
}

void expect_invalid(const HttpReply& reply, const std::string& field) {
  expect_error(reply, 400, "INVALID_REQUEST");
  const auto details = reply.json()["error"]["details"];
  ASSERT_TRUE(details.is_array() && !details.empty()) << field << ": " << reply.body;
  EXPECT_EQ(details[0]["field"], field) << reply.body;
}

class RegistryClient {
 public:
  explicit RegistryClient(const std::string& base_url) : client_(base_url) {}
  HttpReply post(const std::string& path, const json& body) { return client_.post(path, body.dump()); }
  HttpReply put(const std::string& path, const json& body) { return client_.request("PUT", path, body.dump()); }
  HttpReply get(const std::string& path) { return client_.get(path); }
  HttpReply remove(const std::string& path) { return client_.request("DELETE", path); }
  HttpReply store_schema(const std::string& name, const json& schema) {
    return post("/v1/schemas", {{"name", name}, {"schema", schema}});
  }

 private:
  HttpClient client_;
};

class Registry : public ::testing::Test {
 protected:
  ServerProcess server_;
  RegistryClient client_{server_.base_url()};
};

TEST_F(Registry, SchemasAreVersionedByNameAndReadByVersion) {
  auto first = client_.post(
      "/v1/schemas",
      {{"name", "invoice"}, {"description", "Invoice fields"}, {"schema", kInvoiceSchema}, {"is_public", true}});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json()["name"], "invoice");
  EXPECT_EQ(first.json()["version"], 1);
  EXPECT_EQ(first.json()["description"], "Invoice fields");
  EXPECT_EQ(first.json()["schema"], kInvoiceSchema);
  EXPECT_EQ(first.json()["is_public"], true);
  EXPECT_FALSE(first.json()["id"].get<std::string>().empty());
  auto second = client_.store_schema("invoice", kReceiptSchema);
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.json()["version"], 2);
  EXPECT_NE(second.json()["id"], first.json()["id"]);
  ASSERT_EQ(client_.store_schema("receipt", kReceiptSchema).status, 201);

  auto list = client_.get("/v1/schemas").json();
  ASSERT_EQ(list["schemas"].size(), 2u) << list;
  EXPECT_EQ(list["total"], 2);
  EXPECT_EQ(list["schemas"][0]["name"], "invoice");
  EXPECT_EQ(list["schemas"][0]["version"], 2);
  EXPECT_EQ(list["schemas"][1]["name"], "receipt");

  EXPECT_EQ(client_.get("/v1/schemas/invoice").json()["version"], 2);
  auto old = client_.get("/v1/schemas/invoice?version=1");
  ASSERT_EQ(old.status, 200) << old.body;
  EXPECT_EQ(old.json()["schema"], kInvoiceSchema);
  expect_error(client_.get("/v1/schemas/invoice?version=9"), 404, "NOT_FOUND");
  expect_error(client_.get("/v1/schemas/nobody"), 404, "NOT_FOUND");
  expect_invalid(client_.get("/v1/schemas/invoice?version=first"), "version");

  auto versions = client_.get("/v1/schemas/invoice/versions");
  ASSERT_EQ(versions.status, 200) << versions.body;
  ASSERT_EQ(versions.json()["versions"].size(), 2u);
  EXPECT_EQ(versions.json()["versions"][0]["version"], 1);
  EXPECT_EQ(versions.json()["versions"][1]["version"], 2);
}

TEST_F(Registry, DeletingASchemaHidesItsVersionsAndTheNameGoesOn) {
  ASSERT_EQ(client_.store_schema("invoice", kInvoiceSchema).status, 201);
  ASSERT_EQ(client_.store_schema("invoice", kInvoiceSchema).status, 201);
  auto deleted = client_.remove("/v1/schemas/invoice");
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_TRUE(deleted.body.empty());
  expect_error(client_.get("/v1/schemas/invoice"), 404, "NOT_FOUND");
  expect_error(client_.get("/v1/schemas/invoice?version=1"), 404, "NOT_FOUND");
  expect_error(client_.get("/v1/schemas/invoice/versions"), 404, "NOT_FOUND");
  expect_error(client_.remove("/v1/schemas/invoice"), 404, "NOT_FOUND");
  EXPECT_TRUE(client_.get("/v1/schemas").json()["schemas"].empty());
  // Version numbers are never reused.
  auto again = client_.store_schema("invoice", kReceiptSchema);
  ASSERT_EQ(again.status, 201);
  EXPECT_EQ(again.json()["version"], 3);
  EXPECT_EQ(client_.get("/v1/schemas/invoice/versions").json()["versions"].size(), 1u);
}

TEST_F(Registry, BadSchemasAreRefusedNamingTheField) {
  // Each level of properties is two objects deep (the properties object, then the property).
  json deep = {{"type", "string"}};
  for (int i = 0; i < 6; ++i) deep = {{"type", "object"}, {"properties", {{"x", deep}}}};
  json huge = {{"type", "object"}, {"properties", json::object()}};
  for (int i = 0; i < 2'000; ++i) huge["properties"]["field_" + std::to_string(i)] = {{"type", "string"}};
  const std::pair<json, std::string> cases[] = {
      {{{"schema", kInvoiceSchema}}, "name"},
      {{{"name", ""}, {"schema", kInvoiceSchema}}, "name"},
      {{{"name", "has space"}, {"schema", kInvoiceSchema}}, "name"},
      {{{"name", std::string(256, 'n')}, {"schema", kInvoiceSchema}}, "name"},
      {{{"name", "x"}}, "schema"},
      {{{"name", "x"}, {"schema", "object"}}, "schema"},
      {{{"name", "x"}, {"schema", {{"type", 12}}}}, "schema"},
      {{{"name", "x"}, {"schema", deep}}, "schema"},
      {{{"name", "x"}, {"schema", huge}}, "schema"},
      {{{"name", "x"}, {"schema", kInvoiceSchema}, {"description", 5}}, "description"},
      {{{"name", "x"}, {"schema", kInvoiceSchema}, {"is_public", "yes"}}, "is_public"},
  };
  for (const auto& [body, field] : cases) expect_invalid(client_.post("/v1/schemas", body), field);
  EXPECT_TRUE(client_.get("/v1/schemas").json()["schemas"].empty());
  // Objects ten deep is the limit, not over it.
  json ten = {{"type", "string"}};
  for (int i = 0; i < 5; ++i) ten = {{"type", "object"}, {"properties", {{"x", ten}}}};
  EXPECT_EQ(client_.store_schema("ten", ten).status, 201);
}

TEST_F(Registry, AnalyzeUsesAStoredSchemaByName) {
  ASSERT_EQ(client_.store_schema("invoice", kInvoiceSchema).status, 201);
  ASSERT_EQ(client_.store_schema("invoice", kReceiptSchema).status, 201);
  const std::string prompt = "Invoice #12345, amount $1,250.00";
  auto latest = client_.post("/v1/analyze", {{"prompt", prompt}, {"schema_name", "invoice"}});
  ASSERT_EQ(latest.status, 200) << latest.body;
  EXPECT_EQ(latest.json()["validation_status"], "passed");
  EXPECT_TRUE(latest.json()["result"]["total"].is_number()) << latest.body;
  EXPECT_FALSE(latest.json()["result"].contains("invoice_number"));

  auto first = client_.post("/v1/analyze", {{"prompt", prompt}, {"schema_name", "invoice"}, {"schema_version", 1}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json()["validation_status"], "passed");
  EXPECT_TRUE(first.json()["result"]["invoice_number"].is_string()) << first.body;
  EXPECT_TRUE(first.json()["result"]["amount"].is_number()) << first.body;

  expect_invalid(client_.post("/v1/analyze", {{"prompt", prompt}, {"schema_name", "nobody"}}), "schema_name");
  expect_invalid(client_.post("/v1/analyze", {{"prompt", prompt}, {"schema_name", "invoice"}, {"schema_version", 7}}),
                 "schema_name");
  expect_invalid(
      client_.post("/v1/analyze", {{"prompt", prompt}, {"schema_name", "invoice"}, {"schema", kInvoiceSchema}}),
      "schema_name");
  expect_invalid(client_.post("/v1/analyze", {{"prompt", prompt}, {"schema_version", 1}}), "schema_version");
  expect_invalid(client_.post("/v1/analyze", {{"prompt", prompt}, {"schema_name", "invoice"}, {"schema_version", 0}}),
                 "schema_version");
  expect_invalid(client_.post("/v1/analyze", {{"prompt", prompt}, {"schema_name", 12}}), "schema_name");
}

TEST_F(Registry, TemplatesAreCreatedReplacedAndDeleted) {
  ASSERT_EQ(client_.store_schema("invoice", kInvoiceSchema).status, 201);
  const json extract = {{"name", "extract"},
                        {"description", "Pull fields out of a document"},
                        {"template_text", "Extract {fields} from: {document}"},
                        {"parameters", {"fields", "document"}},
                        {"example_usage", {{"fields", "amount"}, {"document", "Invoice #1"}}},
                        {"schema_name", "invoice"}};
  auto created = client_.post("/v1/templates", extract);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["name"], "extract");
  EXPECT_EQ(created.json()["parameters"], json({"fields", "document"}));
  EXPECT_EQ(created.json()["example_usage"]["document"], "Invoice #1");
  EXPECT_EQ(created.json()["schema"]["name"], "invoice");
  EXPECT_EQ(created.json()["schema"]["version"], 1);
  EXPECT_EQ(created.json()["is_public"], false);
  expect_error(client_.post("/v1/templates", extract), 409, "CONFLICT");

  // Parameters left out are the placeholders, in order.
  auto derived = client_.post("/v1/templates", {{"name", "greet"}, {"template_text", "Hello {who}, from {where}"}});
  ASSERT_EQ(derived.status, 201) << derived.body;
  EXPECT_EQ(derived.json()["parameters"], json({"who", "where"}));
  EXPECT_TRUE(derived.json()["schema"].is_null());

  auto list = client_.get("/v1/templates").json();
  ASSERT_EQ(list["templates"].size(), 2u);
  EXPECT_EQ(list["templates"][0]["name"], "extract");
  EXPECT_EQ(list["templates"][1]["name"], "greet");
  EXPECT_EQ(client_.get("/v1/templates/extract").json()["template_text"], "Extract {fields} from: {document}");

  auto replaced = client_.put("/v1/templates/greet", {{"template_text", "Hi {who}"}, {"parameters", {"who"}}});
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json()["id"], derived.json()["id"]);
  EXPECT_EQ(client_.get("/v1/templates/greet").json()["template_text"], "Hi {who}");
  expect_invalid(client_.put("/v1/templates/greet", {{"template_text", "Hi {who} {when}"}, {"parameters", {"who"}}}),
                 "parameters");
  expect_invalid(client_.put("/v1/templates/greet", {{"name", "other"}, {"template_text", "Hi"}}), "name");
  expect_error(client_.put("/v1/templates/nobody", {{"template_text", "Hi"}}), 404, "NOT_FOUND");

  EXPECT_EQ(client_.remove("/v1/templates/greet").status, 204);
  expect_error(client_.get("/v1/templates/greet"), 404, "NOT_FOUND");
  expect_error(client_.remove("/v1/templates/greet"), 404, "NOT_FOUND");
  EXPECT_EQ(client_.get("/v1/templates").json()["templates"].size(), 1u);
}

TEST_F(Registry, BadTemplatesAreRefusedNamingTheField) {
  const std::pair<json, std::string> cases[] = {
      {{{"template_text", "Hi"}}, "name"},
      {{{"name", "t"}}, "template_text"},
      {{{"name", "t"}, {"template_text", ""}}, "template_text"},
      {{{"name", "t"}, {"template_text", std::string(10'001, 'x')}}, "template_text"},
      {{{"name", "t"}, {"template_text", "JSON like {\"a\": 1}"}}, "template_text"},
      {{{"name", "t"}, {"template_text", "unclosed {who"}}, "template_text"},
      {{{"name", "t"}, {"template_text", "Hi {who}"}, {"parameters", json::array()}}, "parameters"},
      {{{"name", "t"}, {"template_text", "Hi {who}"}, {"parameters", {"who", "extra"}}}, "parameters"},
      {{{"name", "t"}, {"template_text", "Hi {who}"}, {"parameters", {"who", "who"}}}, "parameters"},
      {{{"name", "t"}, {"template_text", "Hi {who}"}, {"parameters", "who"}}, "parameters"},
      {{{"name", "t"}, {"template_text", "Hi"}, {"schema_name", "nobody"}}, "schema_name"},
      {{{"name", "t"}, {"template_text", "Hi"}, {"schema_version", 1}}, "schema_version"},
  };
  for (const auto& [body, field] : cases) expect_invalid(client_.post("/v1/templates", body), field);
  EXPECT_TRUE(client_.get("/v1/templates").json()["templates"].empty());
  // Literal braces are doubled.
  EXPECT_EQ(client_.post("/v1/templates", {{"name", "t"}, {"template_text", "JSON like {{\"a\": {n}}}"}}).status, 201);
}

TEST_F(Registry, AnalyzeRendersATemplateAndUsesItsSchema) {
  ASSERT_EQ(client_.store_schema("invoice", kInvoiceSchema).status, 201);
  ASSERT_EQ(client_
                .post("/v1/templates", {{"name", "extract"},
                                        {"template_text", "Extract {fields} from: {document}"},
                                        {"schema_name", "invoice"}})
                .status,
            201);
  const json parameters = {{"fields", "the amount"}, {"document", "Invoice #12345, $1,250.00"}};
  auto reply = client_.post("/v1/analyze", {{"template", {{"name", "extract"}, {"parameters", parameters}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["validation_status"], "passed");
  // The template's schema applied: the mock answers with JSON that fits it.
  EXPECT_TRUE(reply.json()["result"]["invoice_number"].is_string()) << reply.body;
  EXPECT_TRUE(reply.json()["result"]["amount"].is_number()) << reply.body;
  // A schema in the request wins over the template's.
  auto own = client_.post(
      "/v1/analyze", {{"template", {{"name", "extract"}, {"parameters", parameters}}}, {"schema", kReceiptSchema}});
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_TRUE(own.json()["result"]["total"].is_number()) << own.body;

  expect_invalid(
      client_.post("/v1/analyze", {{"template", {{"name", "extract"}, {"parameters", {{"fields", "amount"}}}}}}),
      "template.parameters.document");
  expect_invalid(client_.post("/v1/analyze", {{"template", {{"name", "extract"}}}}), "template.parameters.fields");
  json extra = parameters;
  extra["tone"] = "dry";
  expect_invalid(client_.post("/v1/analyze", {{"template", {{"name", "extract"}, {"parameters", extra}}}}),
                 "template.parameters.tone");
  expect_invalid(client_.post("/v1/analyze", {{"template", {{"name", "nobody"}, {"parameters", parameters}}}}),
                 "template.name");
  expect_invalid(client_.post("/v1/analyze", {{"template", "extract"}}), "template.name");
  expect_invalid(
      client_.post("/v1/analyze", {{"prompt", "x"}, {"template", {{"name", "extract"}, {"parameters", parameters}}}}),
      "template");
  expect_invalid(
      client_.post("/v1/analyze", {{"template",
                                    {{"name", "extract"},
                                     {"parameters", {{"fields", std::string(10'000, 'f')}, {"document", "d"}}}}}}),
      "template");
}

// The fake upstream's "verbatim" model answers the prompt as it is: a template that renders
// JSON shows what the model was sent.
class RegistryUpstream : public ::testing::Test {
 protected:
  FakeUpstream upstream_;
  ServerProcess server_{ServerOptions{fake_upstream_config(upstream_, {{"fake", "verbatim"}}), {}, {}, {}}};
  RegistryClient client_{server_.base_url()};
};

TEST_F(RegistryUpstream, TheRenderedTemplateIsWhatTheModelIsSent) {
  ASSERT_EQ(client_.store_schema("invoice", kInvoiceSchema).status, 201);
  ASSERT_EQ(client_
                .post("/v1/templates", {{"name", "invoice_json"},
                                        {"template_text", R"({{"invoice_number": "{number}", "amount": {amount}}})"},
                                        {"schema_name", "invoice"}})
                .status,
            201);
  auto reply = client_.post(
      "/v1/analyze",
      {{"template", {{"name", "invoice_json"}, {"parameters", {{"number", "12345"}, {"amount", 1250.5}}}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["result"], json({{"invoice_number", "12345"}, {"amount", 1250.5}}));
  const auto requests = upstream_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body["messages"][1]["content"], R"({"invoice_number": "12345", "amount": 1250.5})");
  // The stored schema went out in the instructions.
  EXPECT_NE(requests[0].body["messages"][0]["content"].get<std::string>().find("invoice_number"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::test
