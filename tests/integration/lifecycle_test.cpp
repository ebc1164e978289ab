// Start-up, configuration errors, `plugins check`, and a clean stop that drains requests.
#include <fstream>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include <switchboard/plugin/version.hpp>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

TEST(Lifecycle, InvalidEnvironmentValueStopsStartUpNamingTheKey) {
  TempDir dir;
  auto result = run_switchboard({"serve", "--port", "0", "--data-dir", (dir.path() / "data").string()},
                                {{"SWITCHBOARD_PORT", "not-a-port"}});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("server.port"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("SWITCHBOARD_PORT"), std::string::npos) << result.output;
}

TEST(Lifecycle, InvalidConfigurationFileStopsStartUpNamingTheKey) {
  TempDir dir;
  const auto file = dir.path() / "bad.yaml";
  std::ofstream(file) << "logging:\n  level: chatty\n";
  auto result = run_switchboard({"serve", "--config", file.string(), "--data-dir", (dir.path() / "data").string()});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("logging.level"), std::string::npos) << result.output;
}

TEST(Lifecycle, HelpDescribesEveryServeOption) {
  auto result = run_switchboard({"serve", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  for (const char* option : {"--config", "--host", "--port", "--data-dir", "--plugin-dir"}) {
    EXPECT_NE(result.output.find(option), std::string::npos) << option;
  }
}

TEST(Lifecycle, PluginsCheckAcceptsAGoodPluginAndExplainsARefusal) {
  auto good = run_switchboard({"plugins", "check", std::string(SWITCHBOARD_PLUGIN_DIR) + "/providers/mock.so"});
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_NE(good.output.find("name:        mock"), std::string::npos) << good.output;
  EXPECT_NE(good.output.find("this host would load it"), std::string::npos) << good.output;

  auto bad =
      run_switchboard({"plugins", "check", std::string(SWITCHBOARD_TEST_PLUGIN_DIR) + "/middleware/wrong-major.so"});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  const std::string host_api = std::to_string(plugin::kApiMajor) + "." + std::to_string(plugin::kApiMinor);
  const std::string next_major = std::to_string(plugin::kApiMajor + 1) + ".0";
  EXPECT_NE(bad.output.find("host supports " + host_api + ", plugin was built for " + next_major), std::string::npos)
      << bad.output;
}

TEST(Lifecycle, ARefusedPluginAtStartUpDoesNotStopTheServer) {
  TempDir plugins;
  ServerProcess server(
      {"plugins:\n  - {name: mock, file: providers/mock.so}\n"
       "  - {name: wrong-major, file: middleware/wrong-major.so}\nmiddleware: []\n",
       {},
       {},
       assemble_plugin_dir(plugins.path())});
  HttpClient client(server.base_url());
  EXPECT_EQ(client.get("/health").status, 200);
  auto ready = client.get("/health/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json()["checks"]["plugins"]["missing"][0], "wrong-major");
  EXPECT_NE(server.log().find("plugin refused"), std::string::npos);
}

TEST(Lifecycle, LogLinesAreJsonWithTheRequestIdAndAlsoGoToTheLogFile) {
  TempDir dir;
  const auto file = dir.path() / "switchboard.log";
  {
    ServerProcess server({"", {}, {{"SWITCHBOARD_LOG_FILE", file.string()}, {"LOG_LEVEL", "debug"}}, {}});
    HttpClient client(server.base_url());
    ASSERT_EQ(client.get("/health", {"X-Request-ID: file-log-check"}).status, 200);
  }
  std::ifstream in(file);
  ASSERT_TRUE(in) << "no log file at " << file;
  std::string line;
  bool found = false;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    auto entry = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(entry.is_discarded()) << "not JSON: " << line;
    for (const char* key : {"timestamp", "level", "logger", "message"}) EXPECT_TRUE(entry.contains(key)) << line;
    if (entry.value("request_id", "") == "file-log-check" && entry["message"] == "request served") {
      found = true;
      EXPECT_EQ(entry["path"], "/health");
      EXPECT_EQ(entry["status"], 200);
      EXPECT_TRUE(entry["transaction_guid"].is_string());
    }
  }
  EXPECT_GT(lines, 5);
  EXPECT_TRUE(found);
}

TEST(Lifecycle, SigtermLetsTheRequestInFlightFinishThenExitsCleanly) {
  TempDir plugins;
  ServerProcess server(
      {"plugins:\n  - {name: echo, file: frameworks/echo-v1.so}\n  - {name: mock, file: providers/mock.so}\n"
       "middleware: []\n",
       {},
       {},
       assemble_plugin_dir(plugins.path())});
  auto slow = std::async(std::launch::async, [&] {
    HttpClient client(server.base_url());
    return client.post("/v1/frameworks/echo/tasks/echo", R"({"text":"slow","sleep_ms":1500})");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the request is now inside the plugin
  const int status = server.stop(SIGTERM);
  auto reply = slow.get();
  EXPECT_EQ(reply.status, 200) << reply.error;
  EXPECT_EQ(reply.json()["text"], "echo 1.0.0: slow");
  EXPECT_EQ(status, 0);
  EXPECT_NE(server.log().find("\"message\":\"stopped\""), std::string::npos) << server.log();
}

}  // namespace
}  // namespace switchboard::test
