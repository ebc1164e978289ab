#include <switchboard/http_server.hpp>

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <pistache/transport.h>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/request_id.hpp>

namespace switchboard {
namespace {

using namespace Pistache;
using Clock = std::chrono::steady_clock;

Logger& log() {
  static Logger logger("http");
  return logger;
}

// A response header whose name is known only at run time. Pistache 0.0.5 silently drops
// headers added with addRaw(); a header object is written.
class DynamicHeader final : public Http::Header::Header {
 public:
  DynamicHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
  // Pistache's typed lookups (tryGet<H>) compare this to the typed header's hash; ours
  // never equals one, so a dynamic header is never mistaken for a typed one.
  uint64_t hash() const override { return 0x5b0a4dULL; }
#endif

 private:
  std::string name_;
  std::string value_;
};

HttpRequest convert(const Http::Request& request) {
  HttpRequest out;
  out.method = Http::methodString(request.method());
  out.path = request.resource();
  const std::string query = request.query().as_str();
  out.query = !query.empty() && query.front() == '?' ? query.substr(1) : query;
  for (const auto& header : request.headers().list()) {
    std::ostringstream value;
    header->write(value);
    out.headers.emplace_back(header->name(), value.str());
  }
  for (const auto& [name, raw] : request.headers().rawList()) out.headers.emplace_back(raw.name(), raw.value());
  out.body = request.body();
  try {
    out.client_ip = request.address().host();
  } catch (const std::exception&) {
  }
  // HTTP/1.1 keeps the connection unless the client says close; HTTP/1.0 only on request.
  std::string connection = out.header("Connection").value_or("");
  for (char& c : connection) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out.keep_alive = request.version() == Http::Version::Http11 ? connection.find("close") == std::string::npos
                                                              : connection.find("keep-alive") != std::string::npos;
  return out;
}

// The whole HTTP/1.1 response as bytes, for the direct-write path.
std::string serialize(const HttpResponse& response, bool keep_alive) {
  std::string out =
      "HTTP/1.1 " + std::to_string(response.status) + " " + std::string(reason_phrase(response.status)) + "\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  out += "Content-Type: " + response.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  out += keep_alive ? "Connection: Keep-Alive\r\n\r\n" : "Connection: Close\r\n\r\n";
  out += response.body;
  return out;
}

// The socket's inode: unique among open sockets, so a reused fd number is told apart.
ino_t socket_identity(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 ? info.st_ino : 0;
}

class ReactorPump;

// Shared by the handler clones of all reactor threads.
struct ServerState {
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};
  std::mutex pumps_mutex;
  std::vector<std::weak_ptr<ReactorPump>> pumps;

  // Retry wakes for replies a slow client could not take at once. They are posted from this
  // thread: posted from the reactor itself, the wake would run inside the call (re-entrant).
  std::mutex retry_mutex;
  std::condition_variable retry_wake;
  std::vector<std::pair<Clock::time_point, std::weak_ptr<ReactorPump>>> retries;
  bool retry_stop = false;
  std::thread retry_thread;
};

// A reply produced off the reactor (by a worker), waiting to be written on the reactor
// that owns its connection.
struct PendingReply {
  std::mutex mutex;
  bool done = false;      // the response exists
  bool attached = false;  // the handler returned and handed the reply to the pump
  HttpResponse response;  // kept here when done before attached
  std::string bytes;      // what is left to write, from `offset`
  std::size_t offset = 0;
  bool keep_alive = true;
  std::weak_ptr<Tcp::Peer> peer;
  int fd = -1;
  ino_t identity = 0;
  Clock::time_point blocked_since{};
  std::shared_ptr<ReactorPump> pump;
};

// One per reactor thread: writes pending replies on that thread, straight to the socket.
// Bytes never enter Pistache's write queue, so they can never be delivered to a client that
// later got the same fd number (PLATFORM-NOTES, hazard 1).
class ReactorPump : public std::enable_shared_from_this<ReactorPump> {
 public:
  ReactorPump(Tcp::Transport* transport, std::shared_ptr<ServerState> state)
      : transport_(transport), state_(std::move(state)), wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
  }
  ~ReactorPump() { ::close(wake_fd_); }
  ReactorPump(const ReactorPump&) = delete;
  ReactorPump& operator=(const ReactorPump&) = delete;

  // Any thread but this pump's reactor.
  void submit(std::shared_ptr<PendingReply> reply) {
    bool post = false;
    {
      std::lock_guard lock(mutex_);
      dirty_.push_back(std::move(reply));
      post = !wake_outstanding_;
      wake_outstanding_ = true;
    }
    if (post) post_wake();
  }

  // Wakes the reactor, which then writes every dirty reply. Pistache 0.0.5 has no way to
  // post a task to a reactor, but Transport::armTimer from another thread pushes onto a
  // thread-safe queue that the reactor drains, arming each timer there; arming an fd that
  // is not a timerfd fails at once and the rejection runs our continuation on the reactor.
  // So a per-pump eventfd stands in for the timer: the wake costs one queue push and one
  // epoll round instead of a 1 ms timer. The continuation is attached before the request
  // is queued, so it cannot run anywhere but the reactor. (Re-check on a Pistache upgrade:
  // the reactor pump tests fail if the continuation stops running.)
  void post_wake() {
    if (!alive_.load()) return;
    Async::Deferred<uint64_t> deferred;
    Async::Promise<uint64_t> promise([&](Async::Resolver& resolve, Async::Rejection& reject) {
      deferred = Async::Deferred<uint64_t>(std::move(resolve), std::move(reject));
    });
    auto self = shared_from_this();
    promise.then([self](uint64_t) { self->on_wake(); }, [self](std::exception_ptr) { self->on_wake(); });
    transport_->armTimer(wake_fd_, std::chrono::milliseconds(1), std::move(deferred));
  }

  void mark_dead() { alive_ = false; }

 private:
  void request_retry(std::chrono::milliseconds delay) {
    {
      std::lock_guard lock(state_->retry_mutex);
      state_->retries.emplace_back(Clock::now() + delay, weak_from_this());
    }
    state_->retry_wake.notify_one();
  }

  // On the reactor thread.
  void on_wake() {
    std::vector<std::shared_ptr<PendingReply>> batch;
    {
      std::lock_guard lock(mutex_);
      batch.swap(dirty_);
      wake_outstanding_ = false;
    }
    std::vector<std::shared_ptr<PendingReply>> blocked;
    for (auto& reply : batch) {
      if (!write(*reply)) blocked.push_back(std::move(reply));
    }
    if (blocked.empty()) return;
    bool retry = false;
    {
      std::lock_guard lock(mutex_);
      for (auto& reply : blocked) dirty_.push_back(std::move(reply));
      retry = !wake_outstanding_;
      wake_outstanding_ = true;
    }
    if (retry) request_retry(std::chrono::milliseconds(5));
  }

  // Writes what the socket takes. False when the client is slow and the rest must wait.
  bool write(PendingReply& reply) {
    auto peer = reply.peer.lock();
    // A vanished peer, or an fd that now belongs to another socket: drop the reply.
    if (!peer || !alive_.load() || socket_identity(reply.fd) != reply.identity) return finish(reply, nullptr);
    while (reply.offset < reply.bytes.size()) {
      ssize_t sent = ::send(reply.fd, reply.bytes.data() + reply.offset, reply.bytes.size() - reply.offset,
                            MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) {
        reply.offset += static_cast<std::size_t>(sent);
        reply.blocked_since = {};
        continue;
      }
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (reply.blocked_since == Clock::time_point{}) reply.blocked_since = Clock::now();
        if (Clock::now() - reply.blocked_since < std::chrono::seconds(10)) return false;
        ::shutdown(reply.fd, SHUT_RDWR);  // a client that stopped reading for 10 s is cut
      }
      return finish(reply, nullptr);
    }
    return finish(reply, peer.get());
  }

  bool finish(PendingReply& reply, Tcp::Peer* peer) {
    if (peer) {
      // The connection is ready for its next request: idle for the reaper, parser time reset.
      peer->setIdle(true);
      if (!reply.keep_alive) ::shutdown(reply.fd, SHUT_RDWR);  // never close(): Pistache owns the fd
    }
    reply.bytes.clear();
    state_->in_flight.fetch_sub(1);
    return true;
  }

  Tcp::Transport* transport_;
  std::shared_ptr<ServerState> state_;
  int wake_fd_;
  std::atomic<bool> alive_{true};
  std::mutex mutex_;
  std::vector<std::shared_ptr<PendingReply>> dirty_;
  bool wake_outstanding_ = false;
};

class Handler final : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Handler)
  Handler(App* app, std::shared_ptr<ServerState> state) : app_(app), state_(std::move(state)) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter writer) override {
    state_->in_flight.fetch_add(1);
    HttpRequest converted = convert(request);
    const bool keep_alive = converted.keep_alive && !state_->draining.load();
    auto pending = std::make_shared<PendingReply>();
    pending->keep_alive = keep_alive;
    if (state_->draining.load()) {
      const std::string id = accept_or_generate_request_id(converted.header("X-Request-ID"));
      HttpResponse response = error_response(503, "SERVICE_UNAVAILABLE", "the server is shutting down", id);
      response.set_header("Retry-After", "5");
      response.set_header("X-Request-ID", id);
      return send_now(response, keep_alive, writer);
    }

    app_->handle(std::move(converted), [pending](HttpResponse response) {
      std::shared_ptr<ReactorPump> pump;
      {
        std::lock_guard lock(pending->mutex);
        pending->done = true;
        if (!pending->attached) {  // still inside the handler: it writes the reply itself
          pending->response = std::move(response);
          return;
        }
        pending->bytes = serialize(response, pending->keep_alive);
        pump = pending->pump;
      }
      pump->submit(pending);
    });

    std::unique_lock lock(pending->mutex);
    if (pending->done) {
      lock.unlock();
      return send_now(pending->response, keep_alive, writer);
    }
    // A worker will answer: hand the reply to this reactor's pump. The writer dies unsent,
    // which sends nothing and closes nothing.
    auto peer = writer.peer();
    pending->attached = true;
    pending->peer = peer;
    pending->fd = peer->fd();
    pending->identity = socket_identity(pending->fd);
    pending->pump = pump();
    lock.unlock();
    peer->setIdle(true);  // while the worker runs, the reaper applies the keep-alive timeout
  }

 private:
  void send_now(const HttpResponse& response, bool keep_alive, Http::ResponseWriter& writer) {
    auto& headers = writer.headers();
    for (const auto& [name, value] : response.headers) headers.add(std::make_shared<DynamicHeader>(name, value));
    writer.setMime(Http::Mime::MediaType::fromString(response.content_type));
    // Pistache answers HTTP/1.1 clients that did not ask for keep-alive with Close.
    headers.remove<Http::Header::Connection>();
    headers.add<Http::Header::Connection>(keep_alive ? Http::ConnectionControl::KeepAlive
                                                     : Http::ConnectionControl::Close);
    writer.send(static_cast<Http::Code>(response.status), response.body);
    state_->in_flight.fetch_sub(1);
  }

  // The pump of the reactor this handler clone runs on (made on first use).
  std::shared_ptr<ReactorPump> pump() {
    if (!pump_) {
      pump_ = std::make_shared<ReactorPump>(transport(), state_);
      std::lock_guard lock(state_->pumps_mutex);
      state_->pumps.push_back(pump_);
    }
    return pump_;
  }

  App* app_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<ReactorPump> pump_;  // per clone, and Pistache makes one clone per reactor
};

void run_retries(ServerState& state) {
  std::unique_lock lock(state.retry_mutex);
  while (!state.retry_stop) {
    if (state.retries.empty()) {
      state.retry_wake.wait(lock);
      continue;
    }
    auto next = std::min_element(state.retries.begin(), state.retries.end(),
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
    if (next->first > Clock::now()) {
      state.retry_wake.wait_until(lock, next->first);
      continue;
    }
    auto pump = next->second.lock();
    state.retries.erase(next);
    lock.unlock();
    if (pump) pump->post_wake();
    lock.lock();
  }
}

}  // namespace

struct HttpServer::Impl {
  App& app;
  HttpServerOptions options;
  std::unique_ptr<Http::Endpoint> endpoint;
  std::shared_ptr<ServerState> state = std::make_shared<ServerState>();
};

HttpServer::HttpServer(App& app, HttpServerOptions options) : impl_(new Impl{app, std::move(options), nullptr}) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  Address address(impl_->options.host, Port(impl_->options.port));
  impl_->endpoint = std::make_unique<Http::Endpoint>(address);
  auto options = Http::Endpoint::options()
                     .threads(impl_->options.threads)
                     .flags(Tcp::Options::ReuseAddr)
                     .maxRequestSize(impl_->options.max_request_bytes + 64 * 1024)  // plus headers
                     .maxResponseSize(64 * 1024 * 1024);
  impl_->endpoint->init(options);
  impl_->endpoint->setHandler(Http::make_handler<Handler>(&impl_->app, impl_->state));
  auto* state = impl_->state.get();
  state->retry_thread = std::thread([state] { run_retries(*state); });
  impl_->endpoint->serveThreaded();
}

std::uint16_t HttpServer::port() const {
  return impl_->endpoint ? static_cast<std::uint16_t>(impl_->endpoint->getPort()) : 0;
}

void HttpServer::stop() {
  if (!impl_ || !impl_->endpoint) return;
  auto& state = *impl_->state;
  // Pistache's shutdown() stops the reactors without writing replies still queued, so
  // drain first: refuse new work, wait until every reply is written (replies made by
  // workers count until the pump has written them), then give the reactors a turn to put
  // the last directly-sent replies on the wire.
  state.draining = true;
  const auto deadline = Clock::now() + std::chrono::seconds(impl_->options.drain_seconds);
  while (state.in_flight.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (state.in_flight.load() > 0) log().warn("drain timed out", {{"unanswered", state.in_flight.load()}});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    std::lock_guard lock(state.pumps_mutex);
    for (auto& weak : state.pumps) {
      if (auto pump = weak.lock()) pump->mark_dead();
    }
  }
  {
    std::lock_guard lock(state.retry_mutex);
    state.retry_stop = true;
  }
  state.retry_wake.notify_all();
  if (state.retry_thread.joinable()) state.retry_thread.join();
  impl_->endpoint->shutdown();
  impl_->endpoint.reset();
}

}  // namespace switchboard
