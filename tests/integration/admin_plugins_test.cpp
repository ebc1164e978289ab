// The admin API loads, reloads and unloads real plugins; every refusal is a 4xx with the
// reason while the host keeps serving.
#include <gtest/gtest.h>

#include <switchboard/plugin/version.hpp>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

// The plugin-api version this host speaks, as the refusals word it.
const std::string kHostApi = std::to_string(plugin::kApiMajor) + "." + std::to_string(plugin::kApiMinor);
const std::string kNextMajor = std::to_string(plugin::kApiMajor + 1) + ".0";
const std::string kNextMinor = std::to_string(plugin::kApiMajor) + "." + std::to_string(plugin::kApiMinor + 1);

const char* kConfig = R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: price-table, file: cost/price-table.so}
  - {name: security-headers, file: middleware/security-headers.so}
  - {name: echo, file: frameworks/echo-v1.so}
middleware: [security-headers]
providers:
  - {name: priced-mock, plugin: mock, model: gpt-4o-mini, cost_model: price-table}
default_provider: priced-mock
)";

class AdminPlugins : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plugins_ = new TempDir();
    server_ = new ServerProcess({kConfig, {}, {}, assemble_plugin_dir(plugins_->path())});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete plugins_;
  }

  HttpReply admin(const std::string& method, const std::string& path, const std::string& body = "") {
    return client_.request(method, path, body, {"Authorization: Bearer " + server_->admin_token()});
  }
  void expect_still_serving() {
    EXPECT_EQ(client_.get("/health").status, 200);
    EXPECT_EQ(client_.post("/v1/frameworks/echo/tasks/echo", R"({"text":"ping"})").status, 200);
  }

  static TempDir* plugins_;
  static ServerProcess* server_;
  HttpClient client_{server_->base_url()};
};
TempDir* AdminPlugins::plugins_ = nullptr;
ServerProcess* AdminPlugins::server_ = nullptr;

TEST_F(AdminPlugins, ListsEachPluginWithItsFacts) {
  auto reply = admin("GET", "/admin/plugins");
  ASSERT_EQ(reply.status, 200);
  bool found = false;
  const auto listing = reply.json();
  for (const auto& p : listing["plugins"]) {
    if (p["name"] != "echo") continue;
    found = true;
    EXPECT_EQ(p["kind"], "framework");
    EXPECT_EQ(p["version"], "1.0.0");
    EXPECT_EQ(p["api_version"], kHostApi);
    EXPECT_EQ(p["sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(p["state"], "active");
    // Nothing else runs: the listing's own request is not counted (it was, as 1).
    EXPECT_EQ(p["in_flight"], 0);
    EXPECT_TRUE(p["loaded_at"].is_string());
    EXPECT_NE(p["path"].get<std::string>().find("frameworks/echo-v1.so"), std::string::npos);
  }
  EXPECT_TRUE(found) << reply.body;
}

TEST_F(AdminPlugins, EachKindWorksEndToEnd) {
  // framework (echo) → host LLM client → provider (mock) → cost model (price-table),
  // with middleware (security-headers) on the way out.
  auto reply = client_.post("/v1/frameworks/echo/tasks/story", R"({"topic":"a lighthouse"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto body = reply.json();
  EXPECT_NE(body["text"].get<std::string>().find("Mock answer to \"A story about a lighthouse\""), std::string::npos);
  EXPECT_EQ(body["llm_calls"], 1);
  const auto input = body["input_tokens"].get<std::int64_t>();
  const auto output = body["output_tokens"].get<std::int64_t>();
  EXPECT_GT(input, 0);
  EXPECT_GT(output, 0);
  // gpt-4o-mini: $0.15 per 1M input tokens, $0.60 per 1M output tokens.
  const double expected = (input * 150000.0 + output * 600000.0) / 1e12;
  EXPECT_NEAR(body["estimated_cost_usd"].get<double>(), expected, 1e-9);
  EXPECT_EQ(body["steps"][0]["provider"], "priced-mock");
  EXPECT_EQ(body["steps"][0]["model"], "gpt-4o-mini");
  EXPECT_EQ(reply.header("x-frame-options"), "DENY");
}

TEST_F(AdminPlugins, RefusedPluginsAnswer422WithTheReason) {
  const std::pair<const char*, std::string> cases[] = {
      {"middleware/wrong-major.so",
       ("major version mismatch: host supports " + kHostApi + ", plugin was built for " + kNextMajor)},
      {"middleware/newer-minor.so",
       ("minor version too new: host supports up to " + kHostApi + ", plugin was built for " + kNextMinor)},
      {"middleware/wrong-abi.so", "ABI tag mismatch"},
      {"middleware/throwing-factory.so", "threw: cannot start: missing setting (test)"},
      {"middleware/failing-self-check.so", "failed: pricing table unreadable (test)"},
      {"middleware/wrong-kind.so", "does not implement the provider interface"},
  };
  for (const auto& [file, reason] : cases) {
    auto reply = admin("POST", "/admin/plugins", nlohmann::json{{"file", file}}.dump());
    EXPECT_EQ(reply.status, 422) << file << ": " << reply.body;
    auto message = reply.json()["error"]["message"].get<std::string>();
    EXPECT_EQ(reply.json()["error"]["code"], "PLUGIN_REFUSED");
    EXPECT_NE(message.find(reason), std::string::npos) << message;
    EXPECT_NE(message.find(file), std::string::npos) << "the message names the path: " << message;
    expect_still_serving();
  }
}

TEST_F(AdminPlugins, DuplicateNameIs409) {
  auto reply = admin("POST", "/admin/plugins", R"({"file": "middleware/duplicate-mock.so"})");
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_EQ(reply.json()["error"]["code"], "CONFLICT");
  expect_still_serving();
}

TEST_F(AdminPlugins, UnknownPluginIs404AndBadRequestsAre400) {
  EXPECT_EQ(admin("POST", "/admin/plugins/nope/reload").status, 404);
  EXPECT_EQ(admin("DELETE", "/admin/plugins/nope").status, 404);
  EXPECT_EQ(admin("POST", "/admin/plugins", R"({"file": "providers/absent.so"})").status, 404);
  EXPECT_EQ(admin("POST", "/admin/plugins", R"({"config": {}})").status, 400);
  EXPECT_EQ(admin("POST", "/admin/plugins", R"({"file": "../../../../bin/ls"})").status, 400);
  EXPECT_EQ(admin("POST", "/admin/plugins/echo/reload", R"({"config": "x"})").status, 400);
}

TEST_F(AdminPlugins, LoadThenUnloadAPluginAtRunTime) {
  auto loaded = admin("POST", "/admin/plugins", R"({"file": "cost/free.so", "config": {}})");
  ASSERT_EQ(loaded.status, 201) << loaded.body;
  EXPECT_EQ(loaded.json()["name"], "free");
  EXPECT_EQ(loaded.json()["kind"], "cost_model");
  auto removed = admin("DELETE", "/admin/plugins/free");
  EXPECT_EQ(removed.status, 200);
  EXPECT_EQ(admin("DELETE", "/admin/plugins/free").status, 404);
}

TEST_F(AdminPlugins, ReloadWithNewConfigurationTakesEffect) {
  auto reloaded =
      admin("POST", "/admin/plugins/security-headers/reload", R"({"config": {"frame_options": "SAMEORIGIN"}})");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(client_.get("/health").header("x-frame-options"), "SAMEORIGIN");
  ASSERT_EQ(admin("POST", "/admin/plugins/security-headers/reload", R"({"config": {}})").status, 200);
  EXPECT_EQ(client_.get("/health").header("x-frame-options"), "DENY");
}

TEST_F(AdminPlugins, AdminActionsAreLogged) {
  admin("POST", "/admin/plugins", R"({"file": "middleware/wrong-major.so"})");
  const std::string log = server_->log();
  EXPECT_NE(log.find("\"action\":\"load\""), std::string::npos);
  EXPECT_NE(log.find("\"message\":\"admin action failed\""), std::string::npos);
}

}  // namespace
}  // namespace switchboard::test
