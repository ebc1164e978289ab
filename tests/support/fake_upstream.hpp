#pragma once
// A fake OpenAI-compatible upstream on loopback (real HTTP/1.1, keep-alive), for
// integration tests. The request's "model" picks the behaviour:
//   echo          answers "echo: <last user message>" (whole, or streamed word by word)
//   verbatim      answers the last user message as it is (e.g. JSON a test wrote)
//   repair-once   first answers prose; asked again (an assistant turn in the messages), the
//                 first user message as it is
//   slow-echo     the same after 300 ms
//   drip          streams 20 chunks 50 ms apart
//   status-429    429 with Retry-After: 1;  status-500, status-503 likewise
//   hang          never answers (until the client goes away)
//   reset         closes the connection at once, without a response
//   bad-json      200 with a body that is not JSON
//   bad-sse       a stream whose events are not JSON
//   break-sse     a stream with one good chunk, then a broken one
//   no-usage      like echo, but the stream carries no usage
// Any method to /hooks/fail-N (a webhook receiver) answers 500 to its first N requests to that
// path, then 200.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::test {

class FakeUpstream {
 public:
  FakeUpstream();
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  std::uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  struct Seen {
    std::string method;
    std::string path;
    std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
    nlohmann::json body;
    std::string raw_body;
    std::string header(const std::string& lower_name) const;
  };
  std::vector<Seen> requests() const;
  int connections_open() const { return open_.load(); }
  // Requests whose client went away before the answer was complete.
  int abandoned() const { return abandoned_.load(); }

 private:
  void accept_loop();
  void serve(int fd);

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
  std::vector<std::thread> workers_;
  std::vector<int> client_fds_;
  std::atomic<int> open_{0};
  std::atomic<int> abandoned_{0};
};

// A server configuration with one `openai` provider instance per {name, model} on `upstream`
// (the first is the default), the free cost model and no middleware.
std::string fake_upstream_config(const FakeUpstream& upstream,
                                 const std::vector<std::pair<std::string, std::string>>& instances);

}  // namespace switchboard::test
