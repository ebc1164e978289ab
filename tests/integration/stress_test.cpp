// Streaming under stress: 200 concurrent streams for a minute (SWITCHBOARD_STRESS_SECONDS),
// some clients reading slowly and some hanging up mid-stream, while a probe measures
// /health. No crash, every completed stream whole and in order, /health answered throughout;
// its p50 and p99 are reported (test-reports/stress.txt), not asserted: a time bound in a test
// fails whenever the machine is busy with something else (the clean-clone CI of 2026-11-23 saw
// 52 ms beside a concurrent build). Latency is measured as ratios by tools/bench.
// And no thread, fd or upstream-connection leak after 10 000 requests.
//
// It found a lost wake-up in Pistache 0.0.5's reactor queue (see ReactorPump::post_wake):
// a whole reactor's streams stopped mid-way for good. Run by hand with
// SWITCHBOARD_STRESS_SECONDS=4 STRESS_DUMP=1 build/bin/integration_tests --gtest_filter=Stress.Two*
// (STRESS_CONCURRENCY, STRESS_PLAIN vary the load).
#include <dirent.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include <curl/curl.h>
#include <gtest/gtest.h>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string config_for(const FakeUpstream& upstream) {
  return R"(
server: {threads: 2}
plugins:
  - {name: openai, file: providers/openai.so}
middleware: []
providers:
  - {name: fake, plugin: openai, base_url: )" +
         upstream.base_url() + R"(, model: drip, models: [drip, echo]}
default_provider: fake
resilience:
  custom: {retry_attempts: 0, circuit_breaker_threshold: 1000}
cache: {enabled: false}  # every request goes upstream: that is the path under stress
)";
}

int count_entries(const std::string& dir) {
  int n = 0;
  if (DIR* d = opendir(dir.c_str())) {
    while (readdir(d)) ++n;
    closedir(d);
  }
  return n - 2;
}

// The text of a streamed answer, from its SSE body; empty when malformed or unfinished.
std::string stream_text(const std::string& body, bool& complete) {
  std::string text;
  complete = false;
  std::size_t at = 0;
  while ((at = body.find("data: ", at)) != std::string::npos) {
    const auto end = body.find("\n\n", at);
    if (end == std::string::npos) break;
    const std::string data = body.substr(at + 6, end - at - 6);
    at = end + 2;
    if (data == "[DONE]") {
      complete = true;
      break;
    }
    auto event = nlohmann::json::parse(data, nullptr, false);
    if (event.is_object() && event.contains("choices") && !event["choices"].empty())
      text += event["choices"][0]["delta"].value("content", "");
  }
  return text;
}

struct Stream {
  CURL* easy = nullptr;
  std::string body;
  int kind = 0;  // 0 normal, 1 slow reader, 2 hangs up mid-stream
  std::string payload;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* stream = static_cast<Stream*>(user);
  stream->body.append(data, size * count);
  if (stream->kind == 2 && stream->body.size() > 600) return 0;  // hang up mid-stream
  return size * count;
}

TEST(Stress, TwoHundredStreamsWithSlowReadersAndHangUps) {
  const char* configured = std::getenv("SWITCHBOARD_STRESS_SECONDS");
  const int seconds = configured ? std::max(1, std::atoi(configured)) : 60;
  FakeUpstream upstream;
  TempDir plugins;
  ServerProcess server({config_for(upstream), {}, {}, assemble_plugin_dir(plugins.path())});
  const std::string url = server.base_url() + "/v1/chat/completions";
  const std::string expected = [] {
    std::string s;
    for (int i = 0; i < 20; ++i) s += "d" + std::to_string(i) + " ";
    return s;
  }();

  std::atomic<bool> stop{false};
  std::vector<double> health_ms;
  std::thread probe([&] {
    HttpClient client(server.base_url());
    while (!stop) {
      const auto started = Clock::now();
      auto reply = client.get("/health");
      health_ms.push_back(
          reply.status == 200 ? std::chrono::duration<double, std::milli>(Clock::now() - started).count() : 1e9);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  CURLM* multi = curl_multi_init();
  std::vector<std::unique_ptr<Stream>> streams;
  long completed = 0, whole = 0, broken = 0, hung_up = 0, started_streams = 0;
  std::string first_broken;
  // curl would call a body form-encoded; the server takes JSON bodies only as JSON.
  const auto json_body_header = [] {
    static curl_slist* const header = curl_slist_append(nullptr, "Content-Type: application/json");
    return header;
  };
  auto launch = [&](std::unique_ptr<Stream> stream) {
    stream->easy = curl_easy_init();
    stream->kind = std::getenv("STRESS_PLAIN")
                       ? 0
                       : static_cast<int>(started_streams % 10 == 0 ? 1 : (started_streams % 10 == 1 ? 2 : 0));
    stream->payload = R"({"model":"fake/drip","stream":true,"messages":[{"role":"user","content":"s"}]})";
    stream->body.clear();
    curl_easy_setopt(stream->easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(stream->easy, CURLOPT_POSTFIELDS, stream->payload.c_str());
    curl_easy_setopt(stream->easy, CURLOPT_HTTPHEADER, json_body_header());
    curl_easy_setopt(stream->easy, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(stream->easy, CURLOPT_WRITEDATA, stream.get());
    curl_easy_setopt(stream->easy, CURLOPT_PRIVATE, stream.get());
    curl_easy_setopt(stream->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(stream->easy, CURLOPT_TIMEOUT, 30L);
    if (stream->kind == 1) curl_easy_setopt(stream->easy, CURLOPT_MAX_RECV_SPEED_LARGE, static_cast<curl_off_t>(1500));
    curl_multi_add_handle(multi, stream->easy);
    ++started_streams;
    streams.push_back(std::move(stream));
  };
  const int concurrency = std::getenv("STRESS_CONCURRENCY") ? std::atoi(std::getenv("STRESS_CONCURRENCY")) : 200;
  for (int i = 0; i < concurrency; ++i) launch(std::make_unique<Stream>());

  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  int running = 0;
  do {
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Stream* raw = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &raw);
      curl_multi_remove_handle(multi, raw->easy);
      ++completed;
      if (raw->kind == 2) {
        ++hung_up;
      } else {
        bool done = false;
        const std::string text = stream_text(raw->body, done);
        if (done && text == expected) {
          ++whole;
        } else {
          ++broken;
          long code = 0;
          curl_easy_getinfo(raw->easy, CURLINFO_RESPONSE_CODE, &code);
          if (first_broken.empty())
            first_broken = "kind " + std::to_string(raw->kind) + " status " + std::to_string(code) + " curl " +
                           std::to_string(message->data.result) + ": " +
                           raw->body.substr(raw->body.size() > 700 ? raw->body.size() - 700 : 0);
        }
      }
      curl_easy_cleanup(raw->easy);
      auto it = std::find_if(streams.begin(), streams.end(), [&](const auto& s) { return s.get() == raw; });
      auto owned = std::move(*it);
      streams.erase(it);
      if (Clock::now() < deadline) launch(std::move(owned));
    }
    curl_multi_poll(multi, nullptr, 0, 50, nullptr);
  } while (running > 0 || !streams.empty());
  curl_multi_cleanup(multi);
  stop = true;
  probe.join();

  std::sort(health_ms.begin(), health_ms.end());
  const double p99 = health_ms.empty() ? 1e9 : health_ms[health_ms.size() * 99 / 100];
  std::ostringstream figures;
  figures << "stress: " << seconds << " s, " << started_streams << " streams (" << concurrency << " concurrent), "
          << whole << " whole, " << broken << " broken, " << hung_up << " hung up on purpose; /health p50 "
          << health_ms[health_ms.size() / 2] << " ms, p99 " << p99 << " ms over " << health_ms.size() << " probes\n";
  std::cout << figures.str();
  if (std::getenv("STRESS_DUMP")) std::cout << server.log();
  std::filesystem::create_directories(SWITCHBOARD_REPORT_DIR);
  std::ofstream(std::filesystem::path(SWITCHBOARD_REPORT_DIR) / "stress.txt") << figures.str();
  EXPECT_EQ(broken, 0) << first_broken;
  EXPECT_GT(whole, 200);
  ASSERT_GT(health_ms.size(), 10u);
  EXPECT_LT(health_ms.back(), 1e9) << "a /health probe was not answered 200";  // sorted: the slowest
  HttpClient after(server.base_url());
  EXPECT_EQ(after.get("/health").status, 200);
}

TEST(Stress, TenThousandRequestsLeakNoThreadsFdsOrConnections) {
  FakeUpstream upstream;
  TempDir plugins;
  ServerProcess server({config_for(upstream), {}, {}, assemble_plugin_dir(plugins.path())});
  const std::string proc = "/proc/" + std::to_string(server.pid());
  HttpClient client(server.base_url());
  const std::string body = R"({"model":"fake/echo","messages":[{"role":"user","content":"leak check"}]})";
  ASSERT_EQ(client.post("/v1/chat/completions", body).status, 200);
  std::atomic<int> failures{0};
  // Four clients, `each` requests apiece; every tenth on a fresh connection, the rest on
  // keep-alive.
  auto hammer = [&](int each) {
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&] {
        HttpClient own(server.base_url());
        for (int i = 0; i < each; ++i) {
          auto reply = (i % 10 == 0) ? HttpClient(server.base_url()).post("/v1/chat/completions", body)
                                     : own.post("/v1/chat/completions", body);
          if (reply.status != 200) ++failures;
        }
      });
    }
    for (auto& t : clients) t.join();
  };
  // The clients' connections close as they go; the server closes its ends when its reactors
  // see that, which on a busy machine takes a moment: wait (up to 5 s) for the count to
  // settle.
  auto settled_fds = [&](int at_most) {
    int fds = 0;
    for (int i = 0; i < 50; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      fds = count_entries(proc + "/fd");
      if (fds <= at_most) break;
    }
    return fds;
  };
  // The first 2 000 warm up under the same load (pooled upstream connections, buffers and
  // whatever each reactor opens when it first serves): the ASan build settled 10 fds above a
  // baseline taken after a lighter warm-up. The next 8 000 must not add more: a leak grows
  // with the requests.
  hammer(500);
  const int threads_before = count_entries(proc + "/task");
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int fds_before = count_entries(proc + "/fd");
  hammer(2000);
  const int fds_after = settled_fds(fds_before + 8);
  const int threads_after = count_entries(proc + "/task");
  std::cout << "leak check: 2000 + 8000 requests, " << failures.load() << " failed; threads " << threads_before
            << " -> " << threads_after << ", fds " << fds_before << " -> " << fds_after
            << ", upstream connections open " << upstream.connections_open() << "\n";
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(threads_after, threads_before);
  EXPECT_LE(fds_after, fds_before + 8);
  EXPECT_LE(upstream.connections_open(), 16);
}

}  // namespace
}  // namespace switchboard::test
