#pragma once
// A small blocking HTTP client over libcurl for tests. One client reuses one connection
// (keep-alive), like a real client would.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::test {

struct HttpReply {
  long status = 0;                             // 0: the transfer failed
  std::string error;                           // curl's message when status is 0
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  long connections_opened = 0;  // new connections this transfer made

  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// POSTs `body` to `url` on a fresh connection and hangs up after `timeout_ms`, whatever the
// server is doing: the client that goes away mid-request.
void post_and_hang_up(const std::string& url, const std::string& body, long timeout_ms);

class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // A body goes as Content-Type: application/json unless `headers` name another.
  HttpReply request(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::vector<std::string>& headers = {});
  HttpReply get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return request("GET", path, "", headers);
  }
  HttpReply post(const std::string& path, const std::string& body, const std::vector<std::string>& headers = {}) {
    return request("POST", path, body, headers);
  }

 private:
  std::string base_url_;
  void* curl_;
};

}  // namespace switchboard::test
