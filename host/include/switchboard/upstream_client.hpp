#pragma once
// The host's one transport to LLM APIs: a libcurl multi handle driven by its own thread.
// Connections are pooled per upstream (keep-alive, HTTP/2 where offered over TLS), TLS uses
// the system CA store, and every transfer has connect, first-byte, idle-gap and total
// timeouts. Nothing waits on a transfer: results arrive through callbacks on the upstream
// thread, so no thread is held per request (frameworks that want to block wrap a future).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <switchboard/plugin/provider.hpp>

namespace switchboard {

struct UpstreamTimeouts {
  std::chrono::milliseconds connect{5'000};
  std::chrono::milliseconds first_byte{60'000};  // from start until the response head
  std::chrono::milliseconds idle{60'000};        // longest gap between body bytes
  std::chrono::milliseconds total{600'000};
};

enum class UpstreamFailure {
  none,
  connect,  // refused, unreachable, DNS, TLS
  timeout_connect,
  timeout_first_byte,
  timeout_idle,
  timeout_total,
  reset,      // the connection broke mid-transfer
  cancelled,  // the caller cancelled (its client went away)
  other,
};
const char* to_string(UpstreamFailure failure);

struct UpstreamResult {
  UpstreamFailure failure = UpstreamFailure::none;
  std::string message;    // what went wrong, without secrets
  int status = 0;         // HTTP status, when a response head arrived
  double elapsed_ms = 0;  // start to end
};

struct UpstreamCallbacks {
  // Once, when the final status and headers are in.
  std::function<void(int status, const plugin::HeaderList& headers)> on_head;
  // Each piece of the body as it arrives; false aborts the transfer (as cancelled).
  std::function<bool(std::string_view data)> on_data;
  // Once, at the end, whatever happened. Always called, also after cancel().
  std::function<void(const UpstreamResult& result)> on_done;
};

class UpstreamTransfer {
 public:
  virtual ~UpstreamTransfer() = default;
  // Aborts the transfer from any thread; on_done then reports `cancelled`.
  virtual void cancel() = 0;
};

class UpstreamClient {
 public:
  UpstreamClient();
  ~UpstreamClient();  // aborts what is still running (on_done: cancelled) and joins
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  std::shared_ptr<UpstreamTransfer> start(plugin::UpstreamRequest request, const UpstreamTimeouts& timeouts,
                                          UpstreamCallbacks callbacks);
  std::size_t active() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard
