#include "stdio_transport.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <switchboard/app.hpp>
#include <switchboard/log.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/request_id.hpp>
#include <switchboard/worker_pool.hpp>

#include "api_request.hpp"
#include "app_backend.hpp"
#include "protocol.hpp"

namespace switchboard::mcp {
namespace {

using nlohmann::json;

// Whole lines to one descriptor, from any thread.
class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  void write(const json& message) {
    std::string line = message.dump(-1, ' ', false, json::error_handler_t::replace) + '\n';
    std::lock_guard lock(mutex_);
    for (std::size_t sent = 0; sent < line.size() && !closed_;) {
      const ssize_t n = ::write(fd_, line.data() + sent, line.size() - sent);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno != EINTR) {
        closed_ = true;  // the client has gone; its replies go nowhere
      }
    }
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  int fd_;
  mutable std::mutex mutex_;
  bool closed_ = false;
};

// One message's request, as an HTTP request to /mcp would be: its own id, the plugins as
// they are now, and the configured middleware for the LLM calls it makes (PII redaction and
// the like apply over stdio too).
struct MessageContext {
  explicit MessageContext(App& app)
      : lease(app.registry().lease()),
        context{.request = request,
                .request_id = accept_or_generate_request_id(std::nullopt),
                .transaction_guid = new_uuid(),
                .plugins = lease,
                .started = std::chrono::steady_clock::now(),
                .llm_calls = &calls,
                .usage_framework = {},
                .on_event = {},
                .principal = {},  // a local pipe has no credential to check
                .info = &info,
                .middleware = &chain,
                .cache_ttl = {},
                .trace = accept_or_start_trace(std::nullopt, std::nullopt)},
        info{request.method, request.path, "", {}, 0, request.client_ip, context.request_id} {
    for (const auto& name : app.config().middleware) {
      if (auto plugin = lease->find(name); plugin && plugin->middleware) chain.push_back(plugin->middleware);
    }
  }

  HttpRequest request{"POST", "/mcp", "", {}, "", "stdio", true};
  SnapshotLease lease;
  std::vector<LlmCallRecord> calls;
  RequestContext context;
  plugin::HttpRequestInfo info;
  std::vector<plugin::Middleware*> chain;
};

// Counts requests still running, so the end of input can wait for them.
class InFlight {
 public:
  void start() {
    std::lock_guard lock(mutex_);
    ++count_;
  }
  void finish() {
    std::lock_guard lock(mutex_);
    if (--count_ == 0) done_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  int count_ = 0;
};

}  // namespace

int serve_stdio(App& app, int in_fd, int out_fd) {
  const ServerInfo server = switchboard_server_info();
  // One message may be as large as one HTTP request may be.
  const std::size_t max_line = app.config().server.max_request_bytes;
  LineWriter out(out_fd);
  InFlight in_flight;

  auto handle = [&](std::string line) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;
    Message message = parse_message(line);
    if (message.kind != Message::Kind::request) {
      // Invalid messages are answered at once; notifications and responses need nothing.
      if (message.kind == Message::Kind::invalid) out.write(message.error_reply);
      return;
    }
    const json id = message.id;
    in_flight.start();
    auto run = [&app, &out, &in_flight, &server, message = std::move(message)] {
      try {
        MessageContext scope(app);
        logging::ScopedContext log_scope(scope.context.log_context());
        CurrentRequestScope current(scope.context);
        AppBackend backend(app, scope.context);
        if (auto reply = dispatch(message, server, backend)) out.write(*reply);
      } catch (const std::exception& e) {
        log().error("mcp request failed", {{"error", e.what()}});
        out.write(error_reply(message.id, kInternalError, "internal error"));
      }
      in_flight.finish();
    };
    if (!app.workers().try_submit(std::move(run))) {
      out.write(error_reply(id, kInternalError, "server busy: every worker is taken; retry shortly"));
      in_flight.finish();
    }
  };

  std::string buffer;
  bool skipping = false;  // inside a line over the limit: dropped up to its end
  char chunk[65536];
  while (!out.closed()) {
    const ssize_t n = ::read(in_fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    for (std::size_t newline; (newline = buffer.find('\n')) != std::string::npos;) {
      std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      if (skipping) {
        skipping = false;
        continue;
      }
      handle(std::move(line));
    }
    if (buffer.size() > max_line) {
      if (!skipping) out.write(error_reply(nullptr, kParseError, "message larger than server.max_request_bytes"));
      skipping = true;
      buffer.clear();
    }
  }
  if (!skipping) handle(std::move(buffer));  // a last message without its newline
  in_flight.wait();
  log().info("stdio closed; stopping");
  return 0;
}

}  // namespace switchboard::mcp
