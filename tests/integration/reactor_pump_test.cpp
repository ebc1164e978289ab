// Replies made by workers travel through the reactor pump: the reactor never waits, a full
// pool answers 503 at once, and under concurrency, disconnects and fd reuse every client
// gets its own answer and only its own.
#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

std::string config(int reactors, int workers, int queue) {
  return "server: {threads: " + std::to_string(reactors) + ", workers: " + std::to_string(workers) +
         ", worker_queue: " + std::to_string(queue) +
         "}\nplugins:\n  - {name: echo, file: frameworks/echo-v1.so}\n  - {name: mock, file: providers/mock.so}\n"
         "  - {name: security-headers, file: middleware/security-headers.so}\nmiddleware: [security-headers]\n";
}

std::string echo_body(const std::string& text, int sleep_ms = 0) {
  return nlohmann::json{{"text", text}, {"sleep_ms", sleep_ms}}.dump();
}

TEST(ReactorPump, TheReactorAnswersWhileAWorkerWaits) {
  TempDir plugins;
  ServerProcess server({config(1, 4, 16), {}, {}, assemble_plugin_dir(plugins.path())});
  auto slow = std::async(std::launch::async, [&] {
    HttpClient client(server.base_url());
    return client.post("/v1/frameworks/echo/tasks/echo", echo_body("slow", 1500));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  HttpClient probe(server.base_url());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(probe.get("/health").status, 200);
  // With one reactor thread, these answers prove the slow task is not running on it.
  EXPECT_EQ(slow.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  auto reply = slow.get();
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json()["text"], "echo 1.0.0: slow");
  EXPECT_EQ(reply.header("x-frame-options"), "DENY");  // middleware ran on the worker path too
  EXPECT_FALSE(reply.header("x-request-id").empty());
}

TEST(ReactorPump, AFullPoolAnswers503AtOnce) {
  TempDir plugins;
  ServerProcess server({config(2, 1, 0), {}, {}, assemble_plugin_dir(plugins.path())});
  auto busy = std::async(std::launch::async, [&] {
    HttpClient client(server.base_url());
    return client.post("/v1/frameworks/echo/tasks/echo", echo_body("busy", 2500));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the busy request holds the only worker
  HttpClient client(server.base_url());
  auto refused = client.post("/v1/frameworks/echo/tasks/echo", echo_body("refused"));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.json()["error"]["code"], "SERVER_BUSY");
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(busy.get().status, 200);
  // The worker is free again once its task has returned, a moment after its answer went out
  // (longer under ASan on a loaded machine): the pool must take work again within a second.
  long after = 0;
  for (int attempt = 0; attempt < 50 && after != 200; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    after = client.post("/v1/frameworks/echo/tasks/echo", echo_body("after")).status;
  }
  EXPECT_EQ(after, 200);
}

TEST(ReactorPump, EveryClientGetsItsOwnAnswerThroughDisconnectsAndFdReuse) {
  TempDir plugins;
  ServerProcess server({config(2, 8, 256), {}, {}, assemble_plugin_dir(plugins.path())});
  std::atomic<int> mismatches{0}, answered{0}, errors{0};
  std::mutex detail_mutex;
  std::string first_detail;
  auto worker = [&](int id) {
    for (int i = 0; i < 60; ++i) {
      const std::string text = "client-" + std::to_string(id) + "-request-" + std::to_string(i);
      if (i % 5 == 0) {
        // Give up on a slow request: the server's reply must go nowhere, and the fd it was
        // meant for is soon reused by a new connection.
        post_and_hang_up(server.base_url() + "/v1/frameworks/echo/tasks/echo", echo_body(text, 60), 20L);
        continue;
      }
      HttpClient client(server.base_url());  // a new connection each time: fd numbers recycle
      auto reply = client.post("/v1/frameworks/echo/tasks/echo", echo_body(text, i % 3 == 0 ? 30 : 0));
      if (reply.status != 200) {
        ++errors;
        continue;
      }
      ++answered;
      if (reply.json()["text"] != "echo 1.0.0: " + text) {
        ++mismatches;
        std::lock_guard lock(detail_mutex);
        if (first_detail.empty()) first_detail = text + " got " + reply.body;
      }
      auto again = client.get("/health");  // keep-alive after a pumped reply
      if (again.status != 200 || again.connections_opened != 0) ++errors;
    }
  };
  std::vector<std::thread> clients;
  for (int id = 0; id < 8; ++id) clients.emplace_back(worker, id);
  for (auto& c : clients) c.join();
  EXPECT_EQ(mismatches.load(), 0) << first_detail;
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(answered.load(), 8 * 48);
  HttpClient client(server.base_url());
  EXPECT_EQ(client.get("/health").status, 200);
}

}  // namespace
}  // namespace switchboard::test
