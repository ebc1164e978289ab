#include "fake_upstream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <stdexcept>

namespace switchboard::test {
namespace {

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string chunk(std::string_view data) {
  std::ostringstream out;
  out << std::hex << data.size() << "\r\n" << data << "\r\n";
  return out.str();
}

std::string sse(const nlohmann::json& event) { return chunk("data: " + event.dump() + "\n\n"); }

std::string response(int status, const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra_headers + "\r\n" + body;
}

// Whether the peer closed: readable with nothing to read.
bool peer_closed(int fd, int wait_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, wait_ms) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

nlohmann::json completion(const std::string& model, const std::string& text) {
  return {
      {"id", "chatcmpl-fake"},
      {"object", "chat.completion"},
      {"created", 1},
      {"model", model},
      {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", text}}}, {"finish_reason", "stop"}}}},
      {"usage", {{"prompt_tokens", 11}, {"completion_tokens", 7}, {"total_tokens", 18}}}};
}

nlohmann::json delta(const std::string& model, const nlohmann::json& d, const nlohmann::json& finish = nullptr) {
  return {{"id", "chatcmpl-fake"},
          {"object", "chat.completion.chunk"},
          {"created", 1},
          {"model", model},
          {"choices", {{{"index", 0}, {"delta", d}, {"finish_reason", finish}}}}};
}

}  // namespace

std::string FakeUpstream::Seen::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

FakeUpstream::FakeUpstream() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int on = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 512) != 0)
    throw std::runtime_error("fake upstream cannot listen");
  socklen_t length = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeUpstream::~FakeUpstream() {
  stop_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (int fd : client_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& worker : workers_) worker.join();
}

std::vector<FakeUpstream::Seen> FakeUpstream::requests() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

void FakeUpstream::accept_loop() {
  while (!stop_) {
    int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stop_) return;
      continue;
    }
    int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    std::lock_guard lock(mutex_);
    client_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeUpstream::serve(int fd) {
  ++open_;
  std::string buffer;
  char data[16384];
  for (;;) {
    // One request: head, then Content-Length bytes of body.
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, data, sizeof data, 0);
      if (n <= 0) goto done;
      buffer.append(data, static_cast<std::size_t>(n));
    }
    Seen seen;
    std::size_t content_length = 0;
    {
      std::istringstream head(buffer.substr(0, head_end));
      std::string line;
      std::getline(head, line);
      std::istringstream request_line(line);
      request_line >> seen.method >> seen.path;
      while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (name == "content-length") content_length = std::stoul(value);
        seen.headers.emplace_back(name, value);
      }
    }
    buffer.erase(0, head_end + 4);
    while (buffer.size() < content_length) {
      ssize_t n = ::recv(fd, data, sizeof data, 0);
      if (n <= 0) goto done;
      buffer.append(data, static_cast<std::size_t>(n));
    }
    seen.raw_body = buffer.substr(0, content_length);
    seen.body = nlohmann::json::parse(seen.raw_body, nullptr, false);
    buffer.erase(0, content_length);
    int earlier_hooks = 0;  // requests to the same hook path before this one
    {
      std::lock_guard lock(mutex_);
      for (const auto& before : seen_) earlier_hooks += before.path == seen.path;
      seen_.push_back(seen);
    }
    if (seen.path.rfind("/hooks/fail-", 0) == 0) {
      const int failures = std::atoi(seen.path.c_str() + 12);
      if (!send_all(fd, earlier_hooks < failures ? response(500, R"({"error":"not yet"})")
                                                 : response(200, R"({"received":true})")))
        goto done;
      continue;
    }

    const std::string model = seen.body.is_object() ? seen.body.value("model", "echo") : "echo";
    const bool stream = seen.body.is_object() && seen.body.value("stream", false);
    std::string last_user;
    std::string first_user;
    bool answered_before = false;
    if (seen.body.is_object() && seen.body.contains("messages")) {
      for (const auto& m : seen.body["messages"]) {
        if (m.value("role", "") == "assistant") answered_before = true;
        if (m.value("role", "") != "user" || !m["content"].is_string()) continue;
        last_user = m["content"];
        if (first_user.empty()) first_user = last_user;
      }
    }
    std::string text = model == "verbatim" ? last_user : "echo: " + last_user;
    if (model == "repair-once") text = answered_before ? first_user : "I think the number is 12345.";

    if (model.rfind("status-", 0) == 0) {
      const int status = std::stoi(model.substr(7));
      const std::string extra = status == 429 ? "Retry-After: 1\r\n" : "";
      if (!send_all(fd,
                    response(status, R"({"error":{"message":"fake failure )" + model + R"(","type":"fake"}})", extra)))
        goto done;
      continue;
    }
    if (model == "hang") {
      while (!stop_ && !peer_closed(fd, 100)) {
      }
      ++abandoned_;
      goto done;
    }
    if (model == "reset") {
      linger hard{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      goto done;
    }
    if (model == "bad-json") {
      if (!send_all(fd, response(200, "{this is not json"))) goto done;
      continue;
    }
    if (model == "slow-echo") {
      if (peer_closed(fd, 300)) {
        ++abandoned_;
        goto done;
      }
    }
    if (!stream) {
      if (!send_all(fd, response(200, completion(model, text).dump()))) goto done;
      continue;
    }
    // A stream, chunked, SSE.
    if (!send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"))
      goto done;
    if (model == "bad-sse" || model == "break-sse") {
      if (model == "break-sse") send_all(fd, sse(delta(model, {{"role", "assistant"}, {"content", "partial"}})));
      send_all(fd, chunk("data: {broken\n\n"));
      send_all(fd, "0\r\n\r\n");
      continue;
    }
    {
      std::vector<std::string> pieces;
      if (model == "drip") {
        for (int i = 0; i < 20; ++i) pieces.push_back("d" + std::to_string(i) + " ");
      } else {
        std::istringstream words(text);
        std::string word;
        bool first = true;
        while (words >> word) {
          pieces.push_back(first ? word : " " + word);
          first = false;
        }
      }
      bool ok = send_all(fd, sse(delta(model, {{"role", "assistant"}, {"content", ""}})));
      for (std::size_t i = 0; ok && i < pieces.size(); ++i) {
        if (model == "drip" && peer_closed(fd, 50)) {
          ++abandoned_;
          goto done;
        }
        ok = send_all(fd, sse(delta(model, {{"content", pieces[i]}})));
      }
      ok = ok && send_all(fd, sse(delta(model, nlohmann::json::object(), "stop")));
      if (model != "no-usage") {
        nlohmann::json usage = {{"id", "chatcmpl-fake"},
                                {"object", "chat.completion.chunk"},
                                {"created", 1},
                                {"model", model},
                                {"choices", nlohmann::json::array()},
                                {"usage", {{"prompt_tokens", 11}, {"completion_tokens", 7}, {"total_tokens", 18}}}};
        ok = ok && send_all(fd, sse(usage));
      }
      ok = ok && send_all(fd, chunk("data: [DONE]\n\n")) && send_all(fd, "0\r\n\r\n");
      if (!ok) goto done;
    }
  }
done : {
  std::lock_guard lock(mutex_);
  std::erase(client_fds_, fd);
  ::close(fd);
}
  --open_;
}

std::string fake_upstream_config(const FakeUpstream& upstream,
                                 const std::vector<std::pair<std::string, std::string>>& instances) {
  std::string yaml =
      "plugins:\n"
      "  - {name: openai, file: providers/openai.so}\n"
      "  - {name: free, file: cost/free.so}\n"
      "middleware: []\n"
      "providers:\n";
  for (const auto& [name, model] : instances) {
    yaml += "  - {name: " + name + ", plugin: openai, base_url: " + upstream.base_url() + ", model: " + model + "}\n";
  }
  if (!instances.empty()) yaml += "default_provider: " + instances.front().first + "\n";
  return yaml;
}

}  // namespace switchboard::test
