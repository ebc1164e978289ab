#pragma once
// The HTTP front: Pistache's endpoint, adapted to App::handle. Only http_server.cpp
// includes Pistache, so its heavy headers stay out of the rest of the build.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace switchboard {

class App;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;  // 0: any free port (see `port()`)
  int threads = 2;
  std::size_t max_request_bytes = 16 * 1024 * 1024;
  int drain_seconds = 30;  // how long stop() waits for requests in flight
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{60};
};

class HttpServer {
 public:
  HttpServer(App& app, HttpServerOptions options);
  ~HttpServer();
  // Binds and starts the reactor threads; throws std::runtime_error when it cannot bind.
  void start();
  // The bound port (the real one when started with port 0).
  std::uint16_t port() const;
  // Answers new requests 503 (Connection: close), waits up to drain_seconds for requests in
  // flight to finish and be written, then stops the reactor threads.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard
