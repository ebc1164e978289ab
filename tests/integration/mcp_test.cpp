// The MCP server through the real binary, on the embedded defaults (offline mock provider,
// SQLite in a temporary folder): the official TypeScript SDK (tests/node/mcp_client.mjs) over
// stdio (`switchboard mcp`) and over Streamable HTTP (/mcp) calls every tool and reads the
// story resources; the protocol's edges over real HTTP (sessions, JSON-RPC errors, origins,
// protocol versions); and /mcp behind the `auth` middleware like every other route.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kInitialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},)"
    R"("clientInfo":{"name":"gtest","version":"1"}}})";

std::string rpc(const json& id, const std::string& method, const json& params = nullptr) {
  json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = params;
  return message.dump();
}

// Runs tests/node/mcp_client.mjs; its summary line parsed (discarded when missing).
struct NodeRun {
  int status = -1;
  std::string output;
  json summary;
};

NodeRun run_sdk_client(const std::string& arguments) {
  const std::string command = "SWITCHBOARD_CONFIG_DIR=" + std::string(SWITCHBOARD_CONFIG_DIR) + " node " +
                              std::string(SWITCHBOARD_SOURCE_DIR) + "/tests/node/mcp_client.mjs " + arguments + " 2>&1";
  NodeRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe)) run.output += buffer;
  run.status = pclose(pipe);
  const std::string marker = "MCP_SUMMARY ";
  const auto at = run.output.rfind(marker);
  if (at != std::string::npos) {
    const auto end = run.output.find('\n', at);
    run.summary = json::parse(run.output.substr(at + marker.size(), end - at - marker.size()), nullptr, false);
  }
  return run;
}

bool has(const json& list, const json& value) { return std::find(list.begin(), list.end(), value) != list.end(); }

json names_of(const json& list) {
  json names = json::array();
  for (const auto& item : list) names.push_back(item.value("name", ""));
  return names;
}

// What both transports must show: every tool ran through the API's own code.
void expect_every_tool_worked(const json& s) {
  ASSERT_TRUE(s.is_object());
  EXPECT_EQ(s["server"]["name"], "switchboard");
  EXPECT_TRUE(s["capabilities"].contains("tools"));
  EXPECT_TRUE(s["capabilities"].contains("resources"));
  for (const char* tool :
       {"generate_story", "chat", "analyze", "run_workflow", "list_frameworks", "list_providers", "get_usage"}) {
    EXPECT_TRUE(has(s["tools"], tool)) << tool;
  }
  const json& calls = s["calls"];
  for (const auto& [name, call] : calls.items()) {
    if (name == "bad_story") continue;
    EXPECT_FALSE(call["isError"].get<bool>()) << name << ": " << call["text"];
  }
  const json& story = calls["generate_story"]["structured"];
  EXPECT_NE(story["story"].get<std::string>().find("Ada"), std::string::npos) << story;
  EXPECT_NE(story["story"].get<std::string>().find("Grace"), std::string::npos) << story;
  EXPECT_EQ(story["method"], "langchain");
  EXPECT_GT(story["total_tokens"].get<int>(), 0);
  // The text content is the structured content, serialized.
  EXPECT_EQ(json::parse(calls["generate_story"]["text"].get<std::string>()), story);

  const json& chat = calls["chat"]["structured"];
  EXPECT_FALSE(chat["response"].get<std::string>().empty());
  EXPECT_EQ(chat["method"], "semantic_kernel");
  EXPECT_EQ(calls["chat_again"]["structured"]["conversation_id"], chat["conversation_id"]);
  EXPECT_NE(calls["chat_again"]["structured"]["message_id"], chat["message_id"]);

  EXPECT_TRUE(calls["analyze"]["structured"]["result"]["destination"].is_string()) << calls["analyze"];
  EXPECT_EQ(calls["analyze"]["structured"]["output_format"], "json");

  const json& workflow = calls["run_workflow"]["structured"];
  EXPECT_EQ(workflow["workflow"], "prompt-chain");
  EXPECT_FALSE(workflow["output"].get<std::string>().empty());
  EXPECT_EQ(workflow["state"]["step_metadata"].size(), 3u);  // analyze, process, synthesize

  const json& frameworks = calls["list_frameworks"]["structured"];
  for (const char* name : {"kernel", "chain", "graph"}) EXPECT_TRUE(has(names_of(frameworks["frameworks"]), name));
  EXPECT_TRUE(has(names_of(frameworks["workflows"]), "prompt-chain"));
  const json& providers = calls["list_providers"]["structured"];
  EXPECT_FALSE(providers["default"]["provider"].get<std::string>().empty());
  ASSERT_FALSE(providers["providers"].empty());
  EXPECT_FALSE(providers["providers"][0]["models"].empty());

  // A call the API refuses is a tool error the model can read, not a protocol error.
  EXPECT_TRUE(calls["bad_story"]["isError"].get<bool>());
  EXPECT_NE(calls["bad_story"]["text"].get<std::string>().find("secondary_character"), std::string::npos);

  // Story (1 call), two chat turns (2), analyze (1+) and the three-step workflow: in the ledger.
  const auto before = calls["usage_before"]["structured"]["summary"]["total_requests"].get<int>();
  const auto after = calls["usage_after"]["structured"]["summary"]["total_requests"].get<int>();
  EXPECT_GE(after, before + 7) << calls["usage_after"];
  EXPECT_TRUE(calls["usage_after"]["structured"]["by_framework"].contains("chain"));

  const std::string story_uri = "switchboard://stories/" + std::to_string(story["id"].get<std::int64_t>());
  EXPECT_TRUE(has(s["resources"], "switchboard://stories/recent"));
  EXPECT_TRUE(has(s["resources"], story_uri));
  EXPECT_EQ(s["story_resource"]["story"], story["story"]);
  EXPECT_EQ(s["recent_resource"]["stories"][0]["id"], story["id"]);
  EXPECT_EQ(s["missing_resource_error"], -32002);
}

TEST(McpSdk, TheOfficialClientUsesEveryToolOverStdio) {
  TempDir dir;
  const fs::path database = dir.path() / "mcp.db";
  const fs::path config = dir.path() / "switchboard.yaml";
  std::ofstream(config) << "storage:\n  url: sqlite://" << database.string() << "\n";
  const auto run =
      run_sdk_client("stdio " + std::string(SWITCHBOARD_BINARY) + " mcp --config " + config.string() + " --data-dir " +
                     (dir.path() / "data").string() + " --plugin-dir " + SWITCHBOARD_PLUGIN_DIR);
  ASSERT_EQ(run.status, 0) << run.output;
  expect_every_tool_worked(run.summary);
  EXPECT_TRUE(fs::exists(database)) << "the store named by --config";
  EXPECT_FALSE(run.summary["server_sanitizer_report"].get<bool>()) << run.output;
}

class Mcp : public ::testing::Test {
 protected:
  ServerProcess server_;
  HttpClient client_{server_.base_url()};

  // A new session's id (the initialize answer checked on the way).
  std::string initialize(const std::vector<std::string>& headers = {}) {
    auto reply = client_.post("/mcp", kInitialize, headers);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json()["result"]["protocolVersion"], "2025-06-18");
    EXPECT_FALSE(reply.header("mcp-session-id").empty());
    return reply.header("mcp-session-id");
  }
  HttpReply post(const std::string& session, const std::string& body, std::vector<std::string> headers = {}) {
    headers.push_back("Mcp-Session-Id: " + session);
    headers.push_back("MCP-Protocol-Version: 2025-06-18");
    return client_.post("/mcp", body, headers);
  }
};

TEST_F(Mcp, TheOfficialClientUsesEveryToolOverStreamableHttp) {
  const auto run = run_sdk_client("http " + server_.base_url() + "/mcp");
  ASSERT_EQ(run.status, 0) << run.output;
  expect_every_tool_worked(run.summary);
  // The client ended its session with DELETE: the id is dead.
  const std::string session = run.summary["sessionId"];
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(post(session, rpc(2, "ping")).status, 404);
}

TEST_F(Mcp, SessionsAreIssuedRequiredAndEnded) {
  EXPECT_EQ(client_.post("/mcp", rpc(1, "tools/list")).status, 400);
  EXPECT_EQ(client_.post("/mcp", rpc(1, "tools/list")).json()["error"]["code"], "MCP_SESSION_REQUIRED");
  auto unknown = post("00000000-0000-4000-8000-000000000000", rpc(1, "tools/list"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"]["code"], "MCP_SESSION_NOT_FOUND");
  EXPECT_EQ(unknown.json()["error"]["request_id"], unknown.header("x-request-id"));

  const std::string session = initialize();
  EXPECT_NE(session, initialize()) << "each initialize opens its own session";
  auto listed = post(session, rpc("list", "tools/list"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.header("content-type"), "application/json");
  EXPECT_EQ(listed.json()["id"], "list");
  EXPECT_EQ(listed.json()["result"]["tools"].size(), 7u);
  const json tools = listed.json()["result"]["tools"];  // owned: a temporary's parts die with it
  for (const auto& tool : tools) {
    EXPECT_EQ(tool["inputSchema"]["type"], "object") << tool["name"];
    EXPECT_EQ(tool["outputSchema"]["type"], "object") << tool["name"];
  }
  auto notified = post(session, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(notified.status, 202);
  EXPECT_TRUE(notified.body.empty());
  EXPECT_EQ(post(session, R"({"jsonrpc":"2.0","id":9,"result":{}})").status, 202);
  EXPECT_EQ(post(session, rpc(3, "ping")).json(), json::parse(R"({"jsonrpc":"2.0","id":3,"result":{}})"));

  EXPECT_EQ(client_.get("/mcp").status, 405);
  EXPECT_EQ(client_.request("DELETE", "/mcp", "", {"Mcp-Session-Id: " + session}).status, 204);
  EXPECT_EQ(post(session, rpc(4, "ping")).status, 404);
  EXPECT_EQ(client_.request("DELETE", "/mcp", "", {"Mcp-Session-Id: " + session}).status, 404);
}

TEST_F(Mcp, JsonRpcErrorsCarryTheirCodeAndId) {
  const std::string session = initialize();
  auto code_and_id = [](const HttpReply& reply) {
    return std::pair{reply.json()["error"]["code"], reply.json()["id"]};
  };
  auto bad_json = post(session, R"({"jsonrpc":"2.0","id":1,"method":)");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(code_and_id(bad_json), std::pair(json(-32700), json(nullptr)));
  auto batch = post(session, "[" + rpc(1, "ping") + "]");
  EXPECT_EQ(code_and_id(batch), std::pair(json(-32600), json(nullptr)));
  auto no_method = post(session, R"({"jsonrpc":"2.0","id":5})");
  EXPECT_EQ(code_and_id(no_method), std::pair(json(-32600), json(5)));
  auto old_rpc = post(session, R"({"jsonrpc":"1.0","id":"x","method":"ping"})");
  EXPECT_EQ(code_and_id(old_rpc), std::pair(json(-32600), json("x")));

  auto unknown = post(session, rpc("u", "sampling/createMessage", json::object()));
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(code_and_id(unknown), std::pair(json(-32601), json("u")));
  EXPECT_EQ(code_and_id(post(session, rpc(6, "tools/call", json::object()))), std::pair(json(-32602), json(6)));
  EXPECT_EQ(code_and_id(post(session, rpc(7, "tools/call", {{"name", "no_such_tool"}}))),
            std::pair(json(-32602), json(7)));
  EXPECT_EQ(code_and_id(post(session, rpc(8, "tools/call", {{"name", "chat"}, {"arguments", json::array()}}))),
            std::pair(json(-32602), json(8)));
  EXPECT_EQ(code_and_id(post(session, rpc(9, "tools/list", "not an object"))), std::pair(json(-32602), json(9)));
  EXPECT_EQ(code_and_id(post(session, rpc(10, "resources/read", json::object()))), std::pair(json(-32602), json(10)));
  EXPECT_EQ(code_and_id(post(session, rpc(11, "resources/read", {{"uri", "switchboard://stories/abc"}}))),
            std::pair(json(-32002), json(11)));

  // Arguments that do not fit the inputSchema: a tool error, with each problem named.
  auto wrong =
      post(session,
           rpc(12, "tools/call",
               {{"name", "generate_story"}, {"arguments", {{"framework", "smalltalk"}, {"primary_character", "A"}}}}));
  ASSERT_EQ(wrong.status, 200) << wrong.body;
  EXPECT_EQ(wrong.json()["result"]["isError"], true);
  const std::string text = wrong.json()["result"]["content"][0]["text"];
  EXPECT_NE(text.find("framework"), std::string::npos) << text;
  EXPECT_NE(text.find("secondary_character"), std::string::npos) << text;
}

TEST_F(Mcp, ForeignOriginsAndUnknownProtocolVersionsAreRefused) {
  auto foreign = client_.post("/mcp", kInitialize, {"Origin: http://evil.example"});
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(foreign.json()["error"]["code"], "FORBIDDEN_ORIGIN");
  // A rebound DNS name is foreign too, even on this machine's port.
  EXPECT_EQ(
      client_.post("/mcp", kInitialize, {"Origin: http://attacker.test:" + std::to_string(server_.port())}).status,
      403);
  EXPECT_EQ(client_.post("/mcp", kInitialize, {"Origin: null"}).status, 403);
  // Origins match whole: a name that merely begins like this server's is another site, and
  // another port on this machine is another origin (a page any local program serves).
  const std::string port = std::to_string(server_.port());
  EXPECT_EQ(client_.post("/mcp", kInitialize, {"Origin: http://127.0.0.1.evil.example"}).status, 403);
  EXPECT_EQ(client_.post("/mcp", kInitialize, {"Origin: http://127.0.0.1.evil.example:" + port}).status, 403);
  EXPECT_EQ(client_.post("/mcp", kInitialize, {"Origin: http://localhost:3000"}).status, 403);
  initialize({"Origin: http://127.0.0.1:" + port});
  const std::string session = initialize();
  EXPECT_EQ(
      client_.request("DELETE", "/mcp", "", {"Mcp-Session-Id: " + session, "Origin: https://evil.example"}).status,
      403);

  auto version = post(session, rpc(1, "ping"), {"MCP-Protocol-Version: 1999-01-01"});
  EXPECT_EQ(version.status, 400);
  EXPECT_EQ(version.json()["error"]["code"], "UNSUPPORTED_PROTOCOL_VERSION");
  // An unknown version asked at initialize is answered with the server's.
  auto asked = client_.post("/mcp", rpc(2, "initialize", {{"protocolVersion", "2099-01-01"}}));
  EXPECT_EQ(asked.json()["result"]["protocolVersion"], "2025-06-18");
}

TEST(McpOrigins, TheCorsAllowedOriginsMayCallToo) {
  ServerProcess server({R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: cors, file: middleware/cors.so, config: {allowed_origins: ["https://console.example.org"]}}
middleware: [cors]
)",
                        {},
                        {},
                        {}});
  HttpClient client(server.base_url());
  EXPECT_EQ(client.post("/mcp", kInitialize, {"Origin: https://console.example.org"}).status, 200);
  EXPECT_EQ(client.post("/mcp", kInitialize, {"Origin: https://console.example.org.evil.test"}).status, 403);
}

TEST(McpAuth, TheAuthMiddlewareGuardsMcpAndSessionsBelongToTheirKey) {
  ServerProcess server({R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: chain, file: frameworks/chain.so}
  - {name: auth, file: middleware/auth.so}
middleware: [auth]
)",
                        {},
                        {{"JWT_SECRET", "integration-secret-of-at-least-32-characters"}},
                        {}});
  HttpClient client(server.base_url());
  const std::string admin = "Authorization: Bearer " + server.admin_token();
  auto refused = client.post("/mcp", kInitialize);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.json()["error"]["code"], "UNAUTHORIZED");
  EXPECT_EQ(client.request("DELETE", "/mcp", "", {"Mcp-Session-Id: x"}).status, 401);

  auto key = [&](const char* name) {
    return "X-API-Key: " +
           client.post("/admin/keys", json{{"name", name}}.dump(), {admin}).json()["key"].get<std::string>();
  };
  const std::string alice = key("alice");
  const std::string bob = key("bob");
  auto opened = client.post("/mcp", kInitialize, {alice});
  ASSERT_EQ(opened.status, 200) << opened.body;
  const std::string session = "Mcp-Session-Id: " + opened.header("mcp-session-id");
  auto story = client.post(
      "/mcp",
      rpc(2, "tools/call",
          {{"name", "generate_story"},
           {"arguments", {{"framework", "langchain"}, {"primary_character", "Ann"}, {"secondary_character", "Bo"}}}}),
      {alice, session});
  ASSERT_EQ(story.status, 200) << story.body;
  EXPECT_EQ(story.json()["result"]["isError"], false) << story.body;
  // Another key cannot ride on Alice's session.
  EXPECT_EQ(client.post("/mcp", rpc(3, "ping"), {bob, session}).status, 404);
  EXPECT_EQ(client.post("/mcp", rpc(4, "ping"), {alice, session}).status, 200);
}

}  // namespace
}  // namespace switchboard::test
