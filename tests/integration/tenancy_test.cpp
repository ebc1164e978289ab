// Tenant isolation through the real binary with the `auth` middleware on: two API keys
// (minted through the admin API), two keys of one team, and JWTs of one subject from two
// issuers. Against every kind of stored object — stories, conversations, context files,
// schemas, templates, workflow runs, jobs — and the cost reports, the response cache and the
// MCP resources, another owner reads, lists, changes, deletes, continues, executes and
// resumes nothing (404 or empty, never 403), while the owner itself still does; the keys of
// one team share; /metrics (every tenant's figures) wants the admin token.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "../../plugins/middleware/auth/jwt.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

const std::string kSecret = "tenancy-secret-of-at-least-32-characters!";
const json kStory = {{"primary_character", "Ada"}, {"secondary_character", "Bob"}};
constexpr const char* kBoundary = "tenancy-boundary";

const std::string kConfig = R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: chain, file: frameworks/chain.so}
  - {name: graph, file: frameworks/graph.so}
  - {name: auth, file: middleware/auth.so}
middleware: [auth]
providers:
  - {name: mock, plugin: mock, model: mock-1}
default_provider: mock
)";

class Tenancy : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_ = key_header({{"name", "alice"}});
    bob_ = key_header({{"name", "bob"}});
    blue_one_ = key_header({{"name", "blue-1"}, {"team", "blue"}});
    blue_two_ = key_header({{"name", "blue-2"}, {"team", "blue"}});
  }

  std::string admin() const { return "Authorization: Bearer " + server_.admin_token(); }
  // The X-API-Key header of a key made through the admin API.
  std::string key_header(const json& body) {
    auto reply = client_.post("/admin/keys", body.dump(), {admin()});
    EXPECT_EQ(reply.status, 201) << reply.body;
    return "X-API-Key: " + reply.json().value("key", "");
  }
  // A bearer token of `subject` signed by (and naming) `issuer`.
  static std::string token(const std::string& issuer, const std::string& subject) {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return "Authorization: Bearer " + auth::sign_jwt({{"iss", issuer}, {"sub", subject}, {"exp", now + 600}}, kSecret);
  }

  HttpReply get(const std::string& path, const std::string& who) { return client_.get(path, {who}); }
  HttpReply post(const std::string& path, const json& body, const std::string& who) {
    return client_.post(path, body.dump(), {who});
  }
  HttpReply remove(const std::string& path, const std::string& who) {
    return client_.request("DELETE", path, "", {who});
  }
  std::int64_t story_of(const std::string& who) {
    auto reply = post("/api/semantic-kernel", kStory, who);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json().value("id", std::int64_t{0});
  }
  static void expect_not_found(const HttpReply& reply, const std::string& what) {
    EXPECT_EQ(reply.status, 404) << what << ": " << reply.body;
    if (reply.status == 404) {
      EXPECT_EQ(reply.json()["error"]["code"], "NOT_FOUND") << what;
    }
  }

  ServerProcess server_{ServerOptions{kConfig, {}, {{"JWT_SECRET", kSecret}}, {}}};
  HttpClient client_{server_.base_url()};
  std::string alice_, bob_, blue_one_, blue_two_;
};

TEST_F(Tenancy, StoriesAreReadListedAndDeletedByTheirOwnerOnly) {
  const auto id = story_of(alice_);
  const std::string path = "/api/stories/" + std::to_string(id);
  expect_not_found(get(path, bob_), "another key reads");
  expect_not_found(remove(path, bob_), "another key deletes");
  auto listed = get("/api/stories", bob_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_TRUE(listed.json()["stories"].empty());
  EXPECT_EQ(listed.json()["total"], 0);
  EXPECT_TRUE(get("/api/stories/search/characters?character=ada", bob_).json().empty());
  auto deleted_all = remove("/api/stories", bob_);
  ASSERT_EQ(deleted_all.status, 200) << deleted_all.body;
  EXPECT_EQ(deleted_all.json()["deleted_count"], 0) << "DELETE /api/stories deletes the caller's only";

  ASSERT_EQ(get(path, alice_).status, 200);
  EXPECT_EQ(get("/api/stories", alice_).json()["total"], 1);
  EXPECT_EQ(get("/api/stories/search/characters?character=ada", alice_).json().size(), 1u);
  EXPECT_EQ(remove("/api/stories", alice_).json()["deleted_count"], 1);
}

TEST_F(Tenancy, TheKeysOfOneTeamShareTheirObjects) {
  const auto id = story_of(blue_one_);
  const std::string path = "/api/stories/" + std::to_string(id);
  EXPECT_EQ(get(path, blue_two_).status, 200);
  EXPECT_EQ(get("/api/stories", blue_two_).json()["total"], 1);
  expect_not_found(get(path, alice_), "a key outside the team");
  EXPECT_EQ(remove(path, blue_two_).status, 200);
  expect_not_found(get(path, blue_one_), "deleted by the team");
}

TEST_F(Tenancy, OneSubjectOfTwoIssuersIsTwoOwners) {
  const std::string one = token("https://issuer-one.example", "ada");
  const std::string two = token("https://issuer-two.example", "ada");
  const auto id = story_of(one);
  const std::string path = "/api/stories/" + std::to_string(id);
  EXPECT_EQ(get(path, one).status, 200);
  EXPECT_EQ(get(path, token("https://issuer-one.example", "ada")).status, 200) << "a new token of the same owner";
  expect_not_found(get(path, two), "the same sub from another issuer");
  expect_not_found(get(path, token("https://issuer-one.example", "grace")), "another sub of the issuer");
  EXPECT_EQ(get("/api/stories", two).json()["total"], 0);
  expect_not_found(get(path, alice_), "an API key");
}

TEST_F(Tenancy, ConversationsAreReadContinuedAndDeletedByTheirOwnerOnly) {
  auto started = post("/api/chat/langchain", {{"message", "my secret plan"}}, alice_);
  ASSERT_EQ(started.status, 200) << started.body;
  const auto id = started.json()["conversation_id"].get<std::int64_t>();
  const std::string path = "/api/chat/conversations/" + std::to_string(id);
  expect_not_found(get(path, bob_), "another key reads");
  expect_not_found(post("/api/chat/langchain", {{"message", "tell me"}, {"conversation_id", id}}, bob_),
                   "another key continues");
  EXPECT_TRUE(get("/api/chat/conversations", bob_).json()["conversations"].empty());
  expect_not_found(remove(path, bob_), "another key deletes");

  ASSERT_EQ(post("/api/chat/langchain", {{"message", "go on"}, {"conversation_id", id}}, alice_).status, 200);
  auto mine = get(path, alice_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json()["messages"].size(), 4u) << "only the owner's turns";
  EXPECT_EQ(get("/api/chat/conversations", alice_).json()["conversations"].size(), 1u);
  EXPECT_EQ(remove(path, alice_).status, 200);
}

TEST_F(Tenancy, AContextFileRunsForItsOwnerOnly) {
  const std::string form = std::string("--") + kBoundary +
                           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.txt\"\r\n"
                           "Content-Type: application/octet-stream\r\n\r\nPLAN-MARKER: private plans\r\n--" +
                           kBoundary + "--\r\n";
  auto uploaded = client_.post("/api/context/upload", form,
                               {alice_, std::string("Content-Type: multipart/form-data; boundary=") + kBoundary});
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  const json run = {{"file_id", uploaded.json()["file_id"]},
                    {"system_prompt", "You analyze documents"},
                    {"user_prompt", "Summarize"},
                    {"framework", "langchain"}};
  expect_not_found(post("/api/context/execute", run, bob_), "another key executes");
  auto mine = post("/api/context/execute", run, alice_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_NE(mine.json()["response"].get<std::string>().find("PLAN-MARKER"), std::string::npos);
}

TEST_F(Tenancy, SchemasAndTemplatesAreEachOwnersOwn) {
  const json person = {{"name", "person"}, {"schema", {{"type", "object"}}}};
  ASSERT_EQ(post("/v1/schemas", person, alice_).status, 201);
  ASSERT_EQ(post("/v1/schemas", person, alice_).json()["version"], 2);
  expect_not_found(get("/v1/schemas/person", bob_), "another key reads a schema");
  expect_not_found(get("/v1/schemas/person/versions", bob_), "another key reads the versions");
  EXPECT_TRUE(get("/v1/schemas", bob_).json()["schemas"].empty());
  expect_not_found(remove("/v1/schemas/person", bob_), "another key deletes a schema");
  auto bobs = post("/v1/schemas", person, bob_);
  ASSERT_EQ(bobs.status, 201) << bobs.body;
  EXPECT_EQ(bobs.json()["version"], 1) << "names and versions are per owner";
  EXPECT_EQ(get("/v1/schemas/person", alice_).json()["version"], 2);

  const json greet = {{"name", "greet"}, {"template_text", "Say hello to {who}"}, {"parameters", {"who"}}};
  ASSERT_EQ(post("/v1/templates", greet, alice_).status, 201);
  expect_not_found(get("/v1/templates/greet", bob_), "another key reads a template");
  EXPECT_TRUE(get("/v1/templates", bob_).json()["templates"].empty());
  expect_not_found(client_.request("PUT", "/v1/templates/greet", json({{"template_text", "Mine now"}}).dump(), {bob_}),
                   "another key changes a template");
  expect_not_found(remove("/v1/templates/greet", bob_), "another key deletes a template");
  auto analyzed = post("/v1/analyze", {{"template", {{"name", "greet"}, {"parameters", {{"who", "Ada"}}}}}}, bob_);
  EXPECT_EQ(analyzed.status, 400) << "another key's template is not there to use: " << analyzed.body;
  EXPECT_EQ(post("/v1/templates", greet, bob_).status, 201) << "the name is free for another owner";
  EXPECT_EQ(get("/v1/templates/greet", alice_).json()["template_text"], "Say hello to {who}");
}

TEST_F(Tenancy, AWorkflowRunResumesForItsOwnerOnly) {
  auto ran = post("/api/workflows/research-fanout", {{"input", {{"request", "How do tides work?"}}}}, alice_);
  ASSERT_EQ(ran.status, 200) << ran.body;
  const json resume = {{"run_id", ran.json()["run_id"]}};
  expect_not_found(post("/api/workflows/research-fanout", resume, bob_), "another key resumes the run");
  auto mine = post("/api/workflows/research-fanout", resume, alice_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json()["state"], ran.json()["state"]);
}

TEST_F(Tenancy, JobsAreReadAndListedByTheirOwnerAndRunAsIt) {
  auto accepted =
      post("/v1/jobs", {{"job_type", "analyze"}, {"request_params", {{"prompt", "Extract the total of Invoice #7"}}}},
           alice_);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  const std::string id = accepted.json()["job_id"];
  expect_not_found(get("/v1/jobs/" + id, bob_), "another key reads the job");
  EXPECT_TRUE(get("/v1/jobs", bob_).json()["jobs"].empty());
  json job = json::object();
  for (int i = 0; i < 300 && job.value("status", "") != "completed" && job.value("status", "") != "failed"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto reply = get("/v1/jobs/" + id, alice_);
    ASSERT_EQ(reply.status, 200) << reply.body;
    job = reply.json();
  }
  EXPECT_EQ(job["status"], "completed") << job.dump();
  EXPECT_EQ(get("/v1/jobs", alice_).json()["jobs"].size(), 1u);
  // Its calls are its owner's: in the owner's report, not in another's.
  const auto mine = get("/api/cost/transactions", alice_).json()["transactions"];
  ASSERT_FALSE(mine.empty());
  EXPECT_EQ(mine[0]["request_id"], id);
  EXPECT_TRUE(get("/api/cost/transactions", bob_).json()["transactions"].empty());
}

TEST_F(Tenancy, CostReportsHoldTheCallersCallsOnly) {
  story_of(alice_);
  auto mine = get("/api/cost/usage", alice_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_GT(mine.json()["summary"]["total_requests"].get<int>(), 0);
  EXPECT_FALSE(get("/api/cost/transactions", alice_).json()["transactions"].empty());
  auto theirs = get("/api/cost/usage", bob_);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(theirs.json()["summary"]["total_requests"], 0);
  EXPECT_TRUE(theirs.json()["by_framework"].empty());
  EXPECT_TRUE(get("/api/cost/transactions", bob_).json()["transactions"].empty());
}

TEST_F(Tenancy, OneOwnersCachedAnswerNeverServesAnother) {
  const json call = {{"model", "mock/mock-1"}, {"messages", {{{"role", "user"}, {"content", "Hello tenants"}}}}};
  auto first = post("/v1/chat/completions", call, alice_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("x-switchboard-cache"), "");
  EXPECT_EQ(post("/v1/chat/completions", call, alice_).header("x-switchboard-cache"), "hit");
  auto other = post("/v1/chat/completions", call, bob_);
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(other.header("x-switchboard-cache"), "") << "another key's entry";
  EXPECT_EQ(post("/v1/chat/completions", call, blue_one_).header("x-switchboard-cache"), "");
  EXPECT_EQ(post("/v1/chat/completions", call, blue_two_).header("x-switchboard-cache"), "hit") << "a team shares";
  const auto status = client_.get("/internal/cache/status", {admin()}).json();
  EXPECT_EQ(status["hits"], 2);
  EXPECT_EQ(status["misses"], 3);
}

TEST_F(Tenancy, McpResourcesAreTheRequestersOwn) {
  const auto id = story_of(alice_);
  const std::string uri = "switchboard://stories/" + std::to_string(id);
  auto session_of = [&](const std::string& who) {
    const std::string initialize =
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
        R"("capabilities":{},"clientInfo":{"name":"gtest","version":"1"}}})";
    auto reply = client_.post("/mcp", initialize, {who});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.header("mcp-session-id");
  };
  auto rpc = [&](const std::string& who, const std::string& session, const std::string& method, const json& params) {
    return client_
        .post("/mcp", json({{"jsonrpc", "2.0"}, {"id", 2}, {"method", method}, {"params", params}}).dump(),
              {who, "Mcp-Session-Id: " + session, "MCP-Protocol-Version: 2025-06-18"})
        .json();
  };
  const std::string bobs = session_of(bob_);
  const auto listed = rpc(bob_, bobs, "resources/list", json::object());
  ASSERT_TRUE(listed.contains("result")) << listed.dump();
  for (const auto& resource : listed["result"]["resources"]) EXPECT_NE(resource["uri"], uri);
  const auto recent = rpc(bob_, bobs, "resources/read", {{"uri", "switchboard://stories/recent"}});
  ASSERT_TRUE(recent.contains("result")) << recent.dump();
  EXPECT_TRUE(json::parse(recent["result"]["contents"][0]["text"].get<std::string>())["stories"].empty());
  const auto read = rpc(bob_, bobs, "resources/read", {{"uri", uri}});
  EXPECT_EQ(read["error"]["code"], -32002) << "not found for another key: " << read.dump();
  const auto usage = rpc(bob_, bobs, "tools/call", {{"name", "get_usage"}, {"arguments", json::object()}});
  ASSERT_TRUE(usage.contains("result")) << usage.dump();
  const auto report = json::parse(usage["result"]["content"][0]["text"].get<std::string>(), nullptr, false);
  EXPECT_EQ(report["summary"]["total_requests"], 0) << "the usage tool reports the caller's: " << usage.dump();

  const std::string alices = session_of(alice_);
  const auto own = rpc(alice_, alices, "resources/read", {{"uri", uri}});
  ASSERT_TRUE(own.contains("result")) << own.dump();
  EXPECT_EQ(json::parse(own["result"]["contents"][0]["text"].get<std::string>())["id"], id);
}

TEST_F(Tenancy, MetricsWantTheAdminTokenWhenAuthIsOn) {
  EXPECT_EQ(get("/metrics", alice_).status, 401) << "a tenant's key is not enough";
  // The admin token alone opens it, as it opens /admin/: no API key is asked for besides.
  auto scraped = client_.get("/metrics", {admin()});
  EXPECT_EQ(scraped.status, 200) << scraped.body;
}

}  // namespace
}  // namespace switchboard::test
