// Durability: the server is killed with SIGKILL while acknowledged writes flow (admin reloads,
// each writing its audit event before it is answered); after a restart on the same store,
// every write that was acknowledged is there. On SQLite (WAL) and PostgreSQL.
#include <signal.h>

#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "../support/http_client.hpp"
#include "store_fixture.hpp"

namespace switchboard::test {
namespace {

TEST_P(EachStore, EveryAcknowledgedWriteSurvivesSigkill) {
  const std::string url = fresh_url();
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::atomic<int> in_flight_at_kill{0};
  {
    ServerProcess server({"", {}, {{"DATABASE_URL", url}}, {}});
    const std::string auth = "Authorization: Bearer " + server.admin_token();
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&] {
        HttpClient client(server.base_url());
        while (!stop) {
          auto reply = client.post("/admin/plugins/mock/reload", "", {auth});
          if (reply.status == 200) {
            std::lock_guard lock(mutex);
            acknowledged.insert(reply.header("x-request-id"));
          } else if (reply.status == 0) {
            ++in_flight_at_kill;  // cut by the kill: never acknowledged; this client is done
            return;
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(server.stop(SIGKILL), 128 + SIGKILL);
    stop = true;
    for (auto& client : clients) client.join();
  }
  ASSERT_GT(acknowledged.size(), 20u) << "too few writes to prove anything";

  ServerProcess restarted({"", {}, {{"DATABASE_URL", url}}, {}});
  HttpClient client(restarted.base_url());
  auto reply =
      client.get("/admin/audit?limit=10000&action=plugin.reload", {"Authorization: Bearer " + restarted.admin_token()});
  ASSERT_EQ(reply.status, 200) << reply.body;
  std::set<std::string> stored;
  const auto body = reply.json();  // kept: iterating a member of a temporary would dangle
  for (const auto& event : body["events"]) stored.insert(event["request_id"].get<std::string>());
  std::size_t found = 0;
  for (const auto& id : acknowledged) {
    if (stored.count(id)) {
      ++found;
    } else {
      ADD_FAILURE() << "acknowledged reload " << id << " has no audit event after the restart";
    }
  }
  const std::string figures = std::string(GetParam() == storage::Dialect::sqlite ? "sqlite" : "postgresql") +
                              " durability: " + std::to_string(acknowledged.size()) + " writes acknowledged, " +
                              std::to_string(found) + " found after SIGKILL and restart (" +
                              std::to_string(stored.size()) + " stored, " + std::to_string(in_flight_at_kill.load()) +
                              " requests cut by the kill)\n";
  std::cout << figures;
  std::filesystem::create_directories(SWITCHBOARD_REPORT_DIR);
  std::ofstream(std::filesystem::path(SWITCHBOARD_REPORT_DIR) / "durability.txt", std::ios::app) << figures;
  EXPECT_EQ(found, acknowledged.size());
  EXPECT_GE(stored.size(), acknowledged.size());  // plus any written but not yet answered
}

// Instantiated with the other EachStore tests, in database_test.cpp.

}  // namespace
}  // namespace switchboard::test
