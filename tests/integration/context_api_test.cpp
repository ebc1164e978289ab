// The context API of seed 000 through the real binary on the embedded defaults (mock
// provider, SQLite): each supported type uploaded and its text extracted (a PDF made here,
// read by poppler), prompts run with a file through each framework and stored; the upload's
// edge cases (no file, two, wrong type, size limits, broken content, malformed multipart) and
// the execution's validation.
#include <cstdio>
#include <optional>
#include <regex>
#include <vector>

#include <gtest/gtest.h>
#include <switchboard/storage/context_executions.hpp>
#include <switchboard/storage/context_files.hpp>
#include <switchboard/storage/database.hpp>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

constexpr std::size_t kTenMegabytes = 10 * 1024 * 1024;
constexpr const char* kBoundary = "----SwitchboardTestBoundary7MA4YWxk";

struct FormPart {
  std::string name;
  std::optional<std::string> filename;
  std::string data;
};

std::string form_body(const std::vector<FormPart>& parts) {
  std::string body = "preamble\r\n";
  for (const auto& part : parts) {
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + part.name + "\"";
    if (part.filename) body += "; filename=\"" + *part.filename + "\"";
    body += "\r\nContent-Type: application/octet-stream\r\n\r\n" + part.data + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}

// A one-page PDF showing `text` in Helvetica, with a correct cross-reference table.
std::string make_pdf(const std::string& text) {
  const std::string content = "BT /F1 24 Tf 72 720 Td (" + text + ") Tj ET";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (auto offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    pdf += line;
  }
  return pdf + "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
}

class Context : public ::testing::Test {
 protected:
  ServerProcess server_;
  HttpClient client_{server_.base_url()};

  HttpReply post_form(const std::vector<FormPart>& parts) {
    return client_.post("/api/context/upload", form_body(parts),
                        {std::string("Content-Type: multipart/form-data; boundary=") + kBoundary});
  }
  HttpReply upload(const std::string& filename, const std::string& data) {
    return post_form({{"file", filename, data}});
  }
  HttpReply execute(const json& body) { return client_.post("/api/context/execute", body.dump()); }

  // What the server stored, read from its SQLite file.
  std::unique_ptr<storage::Database> store() { return storage::open_database("", server_.data_dir()); }
  std::string stored_text(const std::string& file_id) {
    auto db = store();
    auto file = storage::ContextFileRepository(*db).get(file_id, "");
    return file ? file->content : "<none>";
  }

  static void expect_error(const HttpReply& reply, long status, const std::string& code) {
    EXPECT_EQ(reply.status, status) << reply.body;
    const auto body = reply.json();
    ASSERT_TRUE(body.contains("error")) << reply.body;
    EXPECT_EQ(body["error"]["code"], code) << reply.body;
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
    EXPECT_EQ(body["error"]["request_id"], reply.header("x-request-id"));
  }
};

TEST_F(Context, EachSupportedTypeIsUploadedAndItsTextExtracted) {
  struct Case {
    std::string filename, data, type, must_contain, must_not_contain;
  };
  const Case cases[] = {
      {"notes.txt", "Plain notes about owls — ✓\n", "txt", "Plain notes about owls — ✓", "\x01"},
      {"README.MD", "# Title\n\n* point one\n", "md", "* point one", "\x01"},
      {"table.csv", "name,count\nowl,3\n", "csv", "owl,3", "\x01"},
      {"data.json", "{\"animal\": \"owl\", \"count\": [1, 2, 3]}", "json", "\"animal\": \"owl\"", "\x01"},
      {"page.htm",
       "<html><head><title>Owl page</title><style>p{color:red}</style><script>alert('x')</script></head>"
       "<body><h1>Owls</h1><p>They hunt&nbsp;at <b>night</b>.</p><!-- hidden --><ul><li>barn</li><li>snowy</li></ul>"
       "</body></html>",
       "html", "Owls\nThey hunt\u00a0at night.\nbarn\nsnowy", "alert"},
      {"tiny.pdf", make_pdf("Hello from a tiny PDF"), "pdf", "Hello from a tiny PDF", "endobj"},
  };
  for (const auto& c : cases) {
    auto reply = upload(c.filename, c.data);
    ASSERT_EQ(reply.status, 200) << c.filename << ": " << reply.body;
    const auto body = reply.json();
    const auto id = body["file_id"].get<std::string>();
    EXPECT_TRUE(std::regex_match(id, std::regex("ctx_[0-9a-f]{32}"))) << id;
    EXPECT_EQ(body["filename"], c.filename);
    EXPECT_EQ(body["file_type"], c.type);
    EXPECT_EQ(body["file_size_bytes"], c.data.size());
    EXPECT_GE(body["processing_time_ms"].get<double>(), 0.0);
    const std::string text = stored_text(id);
    EXPECT_NE(text.find(c.must_contain), std::string::npos) << c.filename << " gave: " << text;
    EXPECT_EQ(text.find(c.must_not_contain), std::string::npos) << c.filename << " gave: " << text;
    EXPECT_GT(body["processed_content_length"].get<std::size_t>(), 0u);
    EXPECT_LE(body["processed_content_length"].get<std::size_t>(), text.size());  // characters, not bytes
  }
}

TEST_F(Context, PromptsRunWithTheFileThroughEachFrameworkAndAreStored) {
  auto uploaded = upload("owls.txt", "OWLS-MARKER: owls hunt at night and sleep by day.");
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  const auto file_id = uploaded.json()["file_id"].get<std::string>();

  for (const std::string framework : {"semantic-kernel", "langchain", "langgraph", "kernel", "chain", "graph"}) {
    auto reply = execute({{"file_id", file_id},
                          {"system_prompt", "You are a document analyzer"},
                          {"user_prompt", "Summarize the key points"},
                          {"framework", framework}});
    ASSERT_EQ(reply.status, 200) << framework << ": " << reply.body;
    const auto body = reply.json();
    const std::string style = framework == "kernel"  ? "semantic-kernel"
                              : framework == "chain" ? "langchain"
                              : framework == "graph" ? "langgraph"
                                                     : framework;
    EXPECT_EQ(body["framework"], style);
    EXPECT_EQ(body["file_id"], file_id);
    // The mock answers with the start of the user message: the document came first.
    EXPECT_NE(body["response"].get<std::string>().find("OWLS-MARKER"), std::string::npos) << body.dump();
    EXPECT_GT(body["input_tokens"].get<int>(), 0);
    EXPECT_GT(body["output_tokens"].get<int>(), 0);
    EXPECT_EQ(body["total_tokens"], body["input_tokens"].get<int>() + body["output_tokens"].get<int>());
    EXPECT_GE(body["estimated_cost_usd"].get<double>(), 0.0);
    EXPECT_GT(body["llm_execution_time_ms"].get<double>(), 0.0);
    EXPECT_GE(body["total_execution_time_ms"].get<double>(),
              body["llm_execution_time_ms"].get<double>() + body["file_processing_time_ms"].get<double>());
    EXPECT_EQ(body["transaction_guid"], reply.header("x-transaction-guid"));
    EXPECT_EQ(body["request_id"], reply.header("x-request-id"));

    auto db = store();
    const auto run = storage::ContextExecutionRepository(*db).get(body["execution_id"].get<std::int64_t>(), "");
    ASSERT_TRUE(run) << framework;
    EXPECT_EQ(run->original_filename, "owls.txt");
    EXPECT_EQ(run->file_type, "txt");
    EXPECT_EQ(run->system_prompt, "You are a document analyzer");
    EXPECT_EQ(run->user_prompt, "Summarize the key points");
    EXPECT_EQ(run->llm_response, body["response"]);
    EXPECT_EQ(run->method, style == "semantic-kernel" ? "semantic_kernel" : style);
    EXPECT_EQ(run->provider, "mock");
    EXPECT_EQ(run->input_tokens, body["input_tokens"]);
    EXPECT_EQ(run->transaction_guid, body["transaction_guid"]);
  }
  auto ledger = client_.get("/api/cost/transactions?framework=chain").json()["transactions"];
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_EQ(ledger[0]["type"], "context");

  // A run the model fails is kept with its reason (the seed's status and error_message).
  auto failed = execute(
      {{"file_id", file_id}, {"system_prompt", "s"}, {"user_prompt", "[mock:fail] u"}, {"framework", "langchain"}});
  EXPECT_GE(failed.status, 500) << failed.body;
  {
    auto db = store();
    const auto runs = storage::ContextExecutionRepository(*db).list("", 1, 0);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].status, "failed");
    EXPECT_EQ(runs[0].user_prompt, "[mock:fail] u");
    EXPECT_FALSE(runs[0].error_message.empty());
    EXPECT_TRUE(runs[0].llm_response.empty());
  }

  // Without the graph plugin, langgraph is a clear 503 and nothing is stored.
  client_.request("DELETE", "/admin/plugins/graph", "", {"Authorization: Bearer " + server_.admin_token()});
  expect_error(
      execute({{"file_id", file_id}, {"system_prompt", "s"}, {"user_prompt", "u"}, {"framework", "langgraph"}}), 503,
      "FRAMEWORK_UNAVAILABLE");
  auto db = store();
  EXPECT_EQ(storage::ContextExecutionRepository(*db).list("", 100, 0).size(), 7u);
}

TEST_F(Context, UploadsThatAreNotOneSupportedFileAreRefused) {
  expect_error(post_form({{"note", std::nullopt, "just a field"}}), 422, "VALIDATION_ERROR");
  expect_error(post_form({{"file", "a.txt", "one"}, {"file", "b.txt", "two"}}), 422, "VALIDATION_ERROR");
  expect_error(post_form({{"file", std::nullopt, "a field, not a file"}}), 422, "VALIDATION_ERROR");
  expect_error(post_form({{"file", "", ""}}), 422, "VALIDATION_ERROR");  // no file chosen
  auto unsupported = upload("tool.exe", "MZ\x90");
  expect_error(unsupported, 415, "UNSUPPORTED_FILE_TYPE");
  EXPECT_NE(unsupported.json()["error"]["message"].get<std::string>().find("txt, md, csv, json, html, pdf"),
            std::string::npos);
  expect_error(upload("noextension", "text"), 415, "UNSUPPORTED_FILE_TYPE");
  expect_error(upload("empty.txt", ""), 422, "EMPTY_FILE");
  expect_error(upload("latin1.txt", "caf\xe9"), 422, "UNPROCESSABLE_FILE");
  expect_error(upload("binary.txt", std::string("a\0b", 3)), 422, "UNPROCESSABLE_FILE");
  expect_error(upload("blank.md", " \n\t\n"), 422, "UNPROCESSABLE_FILE");
  expect_error(upload("broken.json", "{\"a\": "), 422, "UNPROCESSABLE_FILE");
  expect_error(upload("broken.pdf", "%PDF-1.4\nthis is not really a pdf\n%%EOF"), 422, "UNPROCESSABLE_FILE");
  expect_error(upload("cut.pdf", make_pdf("cut short").substr(0, 200)), 422, "UNPROCESSABLE_FILE");
  expect_error(upload("fake.pdf", "plain text"), 422, "UNPROCESSABLE_FILE");
}

TEST_F(Context, TenMegabytesPassAndOneByteMoreIsTooLarge) {
  auto exact = upload("big.txt", std::string(kTenMegabytes, 'a'));
  ASSERT_EQ(exact.status, 200) << exact.body.substr(0, 500);
  EXPECT_EQ(exact.json()["file_size_bytes"], kTenMegabytes);
  EXPECT_EQ(exact.json()["processed_content_length"], kTenMegabytes);

  auto over = upload("big.txt", std::string(kTenMegabytes + 1, 'a'));
  expect_error(over, 413, "FILE_TOO_LARGE");
  EXPECT_NE(over.json()["error"]["message"].get<std::string>().find("10485760"), std::string::npos);
  // Far above the upload route's limit, the body-limit middleware answers before the route.
  expect_error(upload("huge.txt", std::string(kTenMegabytes + 512 * 1024, 'a')), 413, "PAYLOAD_TOO_LARGE");
}

TEST_F(Context, MalformedMultipartIsRefused) {
  const std::string body = form_body({{"file", "a.txt", "text"}});
  expect_error(client_.post("/api/context/upload", body, {"Content-Type: application/json"}), 415,
               "UNSUPPORTED_MEDIA_TYPE");
  expect_error(client_.post("/api/context/upload", body, {"Content-Type: multipart/form-data"}), 400,
               "INVALID_MULTIPART");
  expect_error(client_.post("/api/context/upload", body, {"Content-Type: multipart/form-data; boundary=other"}), 400,
               "INVALID_MULTIPART");
  const std::string cut = body.substr(0, body.size() - 10);  // without its closing boundary
  expect_error(client_.post("/api/context/upload", cut,
                            {std::string("Content-Type: multipart/form-data; boundary=") + kBoundary}),
               400, "INVALID_MULTIPART");
  // A quoted boundary is the same boundary.
  auto quoted = client_.post("/api/context/upload", body,
                             {std::string("Content-Type: multipart/form-data; boundary=\"") + kBoundary + "\""});
  EXPECT_EQ(quoted.status, 200) << quoted.body;
}

TEST_F(Context, ExecutionsAreValidated) {
  auto uploaded = upload("a.txt", "some text");
  ASSERT_EQ(uploaded.status, 200);
  const auto file_id = uploaded.json()["file_id"].get<std::string>();
  const json good = {{"file_id", file_id}, {"system_prompt", "s"}, {"user_prompt", "u"}, {"framework", "langchain"}};

  expect_error(execute({{"file_id", "ctx_00000000000000000000000000000000"},
                        {"system_prompt", "s"},
                        {"user_prompt", "u"},
                        {"framework", "langchain"}}),
               404, "NOT_FOUND");
  const std::pair<json, std::string> bad[] = {
      {json{{"system_prompt", "s"}, {"user_prompt", "u"}, {"framework", "langchain"}}, "file_id"},
      {json{{"file_id", 7}, {"system_prompt", "s"}, {"user_prompt", "u"}, {"framework", "langchain"}}, "file_id"},
      {json{{"file_id", file_id}, {"user_prompt", "u"}, {"framework", "langchain"}}, "system_prompt"},
      {json{{"file_id", file_id}, {"system_prompt", " \n"}, {"user_prompt", "u"}, {"framework", "langchain"}},
       "system_prompt"},
      {json{{"file_id", file_id}, {"system_prompt", "s"}, {"user_prompt", ""}, {"framework", "langchain"}},
       "user_prompt"},
      {json{{"file_id", file_id},
            {"system_prompt", std::string(10'001, 's')},
            {"user_prompt", "u"},
            {"framework", "langchain"}},
       "system_prompt"},
      {json{{"file_id", file_id},
            {"system_prompt", "s"},
            {"user_prompt", std::string(50'001, 'u')},
            {"framework", "langchain"}},
       "user_prompt"},
      {json{{"file_id", file_id}, {"system_prompt", "s"}, {"user_prompt", "u"}, {"framework", "crewai"}}, "framework"},
      {json{{"file_id", file_id}, {"system_prompt", "s"}, {"user_prompt", "u"}}, "framework"},
  };
  for (const auto& [body, field] : bad) {
    auto reply = execute(body);
    expect_error(reply, 422, "VALIDATION_ERROR");
    ASSERT_TRUE(reply.json()["error"]["details"].is_array()) << reply.body;
    EXPECT_EQ(reply.json()["error"]["details"][0]["field"], field) << body.dump();
  }
  // At the limits, and in characters rather than bytes.
  json longest = good;
  longest["system_prompt"] = std::string(10'000, 's');
  std::string user;
  for (int i = 0; i < 50'000; ++i) user += "é";
  longest["user_prompt"] = user;
  EXPECT_EQ(execute(longest).status, 200);
  expect_error(client_.post("/api/context/execute", "{not json"), 400, "INVALID_JSON");
}

}  // namespace
}  // namespace switchboard::test
