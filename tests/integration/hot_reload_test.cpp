// Reload a framework plugin 50 times between two builds while clients keep sending
// requests through it: no request may fail, answers follow the reloads, and every replaced
// library really leaves the process.
#include <atomic>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

const char* kConfig = R"(
server: {threads: 2}
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: security-headers, file: middleware/security-headers.so}
  - {name: echo, file: frameworks/echo-v1.so}
middleware: [security-headers]
)";

// Private copies of the echo plugin mapped into the server process.
std::set<std::string> mapped_echo_copies(pid_t pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::set<std::string> copies;
  std::string line;
  while (std::getline(maps, line)) {
    auto at = line.find("/plugin-copies/");
    if (at != std::string::npos && line.find("/echo-v", at) != std::string::npos)
      copies.insert(line.substr(line.find('/')));
  }
  return copies;
}

TEST(HotReload, FiftyReloadsUnderTrafficLoseNoRequest) {
  TempDir plugins;
  ServerProcess server({kConfig, {}, {}, assemble_plugin_dir(plugins.path())});
  const std::string token = "Authorization: Bearer " + server.admin_token();

  std::atomic<bool> stop{false};
  std::atomic<long> sent{0}, failed{0}, saw_v1{0}, saw_v2{0};
  std::mutex failure_mutex;
  std::string first_failure;
  auto traffic = [&] {
    HttpClient client(server.base_url());
    while (!stop.load()) {
      auto reply = client.post("/v1/frameworks/echo/tasks/echo", R"({"text":"under reload"})");
      ++sent;
      auto body = reply.json();
      if (reply.status != 200 || !body.is_object() || !body.contains("framework_version")) {
        ++failed;
        std::lock_guard lock(failure_mutex);
        if (first_failure.empty()) first_failure = std::to_string(reply.status) + " " + reply.error + " " + reply.body;
        continue;
      }
      const std::string version = body["framework_version"];
      if (body["text"] != "echo " + version + ": under reload") ++failed;
      (version == "1.0.0" ? saw_v1 : saw_v2)++;
    }
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i) clients.emplace_back(traffic);

  HttpClient admin(server.base_url());
  HttpClient checker(server.base_url());
  double total_ms = 0, max_ms = 0;
  int wrong_version_after_reload = 0;
  for (int i = 1; i <= 50; ++i) {
    const bool to_v2 = i % 2 == 1;
    const std::string file = to_v2 ? "frameworks/echo-v2.so" : "frameworks/echo-v1.so";
    auto reply = admin.post("/admin/plugins/echo/reload", nlohmann::json{{"file", file}}.dump(), {token});
    ASSERT_EQ(reply.status, 200) << reply.body;
    const double ms = reply.json()["reload_ms"].get<double>();
    total_ms += ms;
    max_ms = std::max(max_ms, ms);
    // The next request after a reload is answered by the new version.
    auto after = checker.post("/v1/frameworks/echo/tasks/echo", R"({"text":"check"})");
    if (after.json()["framework_version"] != (to_v2 ? "2.0.0" : "1.0.0")) ++wrong_version_after_reload;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop = true;
  for (auto& c : clients) c.join();

  EXPECT_EQ(failed.load(), 0) << "first failure: " << first_failure;
  EXPECT_EQ(wrong_version_after_reload, 0);
  EXPECT_GT(sent.load(), 100);
  EXPECT_GT(saw_v1.load(), 0);
  EXPECT_GT(saw_v2.load(), 0);

  // Every replaced version is gone: one private copy mapped, the current one.
  auto listing = admin.get("/admin/plugins", {token}).json();
  std::string current_copy;
  int draining = 0;
  for (const auto& p : listing["plugins"]) {
    if (p["name"] != "echo") continue;
    if (p["state"] == "active")
      current_copy = p["private_copy"];
    else
      ++draining;
  }
  EXPECT_EQ(draining, 0);
  auto copies = mapped_echo_copies(server.pid());
  ASSERT_EQ(copies.size(), 1u) << "replaced versions still mapped";
  EXPECT_EQ(*copies.begin(), current_copy);
  std::regex unloaded(R"("message":"plugin unloaded".*"plugin":"echo")");
  const std::string log = server.log();
  const auto unload_count =
      std::distance(std::sregex_iterator(log.begin(), log.end(), unloaded), std::sregex_iterator());
  EXPECT_EQ(unload_count, 50);

  std::ostringstream figures;
  figures << "hot reload: 50 reloads, " << sent.load() << " requests from 3 clients, " << failed.load()
          << " failed, v1 answers " << saw_v1.load() << ", v2 answers " << saw_v2.load() << ", reload mean "
          << total_ms / 50 << " ms, max " << max_ms << " ms, old libraries unloaded " << unload_count << "/50\n";
  std::cout << figures.str();
  std::filesystem::create_directories(SWITCHBOARD_REPORT_DIR);
  std::ofstream(std::filesystem::path(SWITCHBOARD_REPORT_DIR) / "hot_reload.txt") << figures.str();
}

}  // namespace
}  // namespace switchboard::test
