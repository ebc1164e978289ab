#include <switchboard/http_server.hpp>

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <pistache/transport.h>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/reply_channel.hpp>
#include <switchboard/request_id.hpp>

#include "pistache_headers.hpp"
#include "pistache_request_parser.hpp"

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

// The request line and headers: all there is before the body step has read the body.
HttpRequest convert_head(const Http::Request& request) {
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
  return out;
}

HttpRequest convert(const Http::Request& request) {
  HttpRequest out = convert_head(request);
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

std::string status_line(int status) {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
}

// The whole HTTP/1.1 response as bytes, for the direct-write path.
std::string serialize(const HttpResponse& response, bool keep_alive) {
  std::string out = status_line(response.status);
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
  std::size_t max_body_bytes = 0;  // a larger declared body is refused before it is read
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};
  std::mutex pumps_mutex;
  std::vector<std::weak_ptr<ReactorPump>> pumps;

  // The wake thread: posts the retry wakes for replies a slow client could not take at once
  // (posted from the reactor itself, a wake would run inside the call, re-entrant), and
  // re-posts wakes that Pistache lost (see ReactorPump::post_wake).
  std::mutex wake_mutex;
  std::condition_variable wake_cv;
  std::vector<std::pair<Clock::time_point, std::weak_ptr<ReactorPump>>> retries;
  bool wake_stop = false;
  std::thread wake_thread;
};

// How often the wake thread looks for lost wakes: often while wakes are being posted, seldom
// when the server is quiet (the race that loses one needs a busy reactor). It is never told
// about a wake, so posting one costs no extra thread wake-up.
constexpr auto kLostWakeCheckBusy = std::chrono::milliseconds(5);
constexpr auto kLostWakeCheckQuiet = std::chrono::milliseconds(50);
constexpr auto kBusySpell = std::chrono::seconds(1);

// Unsent bytes a client may leave behind before it is cut (a reader too slow for its stream).
constexpr std::size_t kMaxBufferedBytes = 8 * 1024 * 1024;
// How long a client may take no bytes at all before it is cut.
constexpr auto kMaxBlocked = std::chrono::seconds(10);

// The answer to one request, produced on any thread and written by the pump of the reactor
// that owns the connection. Bytes are appended under the mutex; only the reactor sends.
class PumpedReply final : public ReplyChannel, public std::enable_shared_from_this<PumpedReply> {
 public:
  PumpedReply(std::shared_ptr<ReactorPump> pump, std::shared_ptr<ServerState> state, std::weak_ptr<Tcp::Peer> peer,
              int fd, bool keep_alive)
      : pump_(std::move(pump)),
        state_(std::move(state)),
        peer_(std::move(peer)),
        fd_(fd),
        identity_(socket_identity(fd)),
        keep_alive_(keep_alive) {}

  // --- ReplyChannel (any thread) ---
  void respond(HttpResponse response) override {
    {
      std::lock_guard lock(mutex_);
      if (complete_) return;
      complete_ = true;
      if (in_handler_) {  // the handler is still running: it sends through Pistache itself
        immediate_ = std::move(response);
        return;
      }
      buffer_ += serialize(response, keep_alive_);
    }
    submit();
  }
  void begin_stream(int status, const HeaderList& headers) override {
    {
      std::lock_guard lock(mutex_);
      if (complete_ || streaming_) return;
      streaming_ = true;
      buffer_ += status_line(status);
      for (const auto& [name, value] : headers) buffer_ += name + ": " + value + "\r\n";
      buffer_ += "Transfer-Encoding: chunked\r\n";
      buffer_ += keep_alive_ ? "Connection: Keep-Alive\r\n\r\n" : "Connection: Close\r\n\r\n";
    }
    submit();
  }
  bool write(std::string_view data) override {
    if (data.empty()) return !cancelled_.load();
    {
      std::lock_guard lock(mutex_);
      if (cancelled_.load() || complete_ || !streaming_) return false;
      if (buffer_.size() - offset_ > kMaxBufferedBytes) {
        // A reader too slow for its stream: the pump cuts it (socket work stays on the reactor).
        cancelled_ = true;
      } else {
        char size[20];
        std::snprintf(size, sizeof size, "%zx\r\n", data.size());
        buffer_ += size;
        buffer_.append(data);
        buffer_ += "\r\n";
      }
    }
    submit();
    return !cancelled_.load();
  }
  void end() override {
    {
      std::lock_guard lock(mutex_);
      if (complete_ || !streaming_) return;
      complete_ = true;
      buffer_ += "0\r\n\r\n";
    }
    submit();
  }
  bool cancelled() const override { return cancelled_.load(); }
  void on_cancel(std::function<void()> callback) override {
    {
      std::lock_guard lock(mutex_);
      if (!cancelled_.load()) {
        cancel_callback_ = std::move(callback);
        return;
      }
    }
    callback();
  }

  // Queued while a ReplyBatch was open: now to the pump.
  void hand_to_pump();

  // --- the handler, on the reactor ---
  void leave_handler(Http::ResponseWriter& writer, const std::function<void(const HttpResponse&)>& send_now);

  // --- the pump, on the reactor: false when the client is slow and the rest must wait ---
  bool flush();
  // The client is gone (disconnect, error, too slow): stop, and tell the producer. Reactor only.
  void cancel();

 private:
  void submit();
  void settle(Tcp::Peer* peer);

  std::shared_ptr<ReactorPump> pump_;
  std::shared_ptr<ServerState> state_;
  std::weak_ptr<Tcp::Peer> peer_;
  const int fd_;
  const ino_t identity_;
  const bool keep_alive_;

  std::mutex mutex_;
  bool in_handler_ = true;
  bool complete_ = false;  // every byte of the response is in the buffer
  bool streaming_ = false;
  bool queued_ = false;   // waiting in the pump's dirty list
  bool settled_ = false;  // counted out of in_flight
  std::optional<HttpResponse> immediate_;
  std::string buffer_;
  std::size_t offset_ = 0;
  Clock::time_point blocked_since_{};
  Clock::time_point parser_touched_{};
  std::atomic<bool> cancelled_{false};
  std::function<void()> cancel_callback_;
};

// One per reactor thread: writes replies on that thread, straight to the socket. Bytes never
// enter Pistache's write queue, so they can never be delivered to a client that later got
// the same fd number (PLATFORM-NOTES, hazard 1).
class ReactorPump : public std::enable_shared_from_this<ReactorPump> {
 public:
  ReactorPump(Tcp::Transport* transport, std::shared_ptr<ServerState> state)
      : transport_(transport),
        state_(std::move(state)),
        reactor_thread_(std::this_thread::get_id()),
        wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
  }
  ~ReactorPump() { ::close(wake_fd_); }
  ReactorPump(const ReactorPump&) = delete;
  ReactorPump& operator=(const ReactorPump&) = delete;

  // Any thread. On the reactor itself (a reply produced inside a handler) the reply waits
  // for `drain()` at the end of the handler instead of a wake.
  void submit(std::shared_ptr<PumpedReply> reply) {
    bool post = false;
    {
      std::lock_guard lock(mutex_);
      dirty_.push_back(std::move(reply));
      if (std::this_thread::get_id() != reactor_thread_) {
        post = !wake_outstanding_;
        wake_outstanding_ = true;
      }
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
  //
  // That queue can lose a wake: its pop() drains the queue's eventfd after finding the
  // queue empty, so a push landing between the two leaves an entry that nothing signals
  // (fixed upstream in 2024, after 0.0.5). The entry is still queued, and any later push
  // delivers it; so the wake thread posts again when a wake stays unanswered.
  void post_wake() {
    if (!alive_.load()) return;
    Async::Deferred<uint64_t> deferred;
    Async::Promise<uint64_t> promise([&](Async::Resolver& resolve, Async::Rejection& reject) {
      deferred = Async::Deferred<uint64_t>(std::move(resolve), std::move(reject));
    });
    auto self = shared_from_this();
    auto run = [self] {
      self->wakes_run_.fetch_add(1);
      self->drain();
    };
    promise.then([run](uint64_t) { run(); }, [run](std::exception_ptr) { run(); });
    wakes_posted_.fetch_add(1);
    transport_->armTimer(wake_fd_, std::chrono::milliseconds(1), std::move(deferred));
  }

  // Wake thread only: whether wakes were posted since the previous check, and whether one has
  // been waiting since then with none run meanwhile (lost, or a very busy reactor: posting
  // again is harmless).
  struct WakeCheck {
    bool active = false;
    bool lost = false;
  };
  WakeCheck check_wakes() {
    const auto posted = wakes_posted_.load();
    const auto run = wakes_run_.load();
    const bool waiting = posted != run;
    const WakeCheck check{posted != posted_at_last_check_,
                          waiting && waited_at_last_check_ && run == run_at_last_check_};
    posted_at_last_check_ = posted;
    waited_at_last_check_ = waiting;
    run_at_last_check_ = run;
    return check;
  }

  // On the reactor thread: writes every dirty reply.
  void drain() {
    std::vector<std::shared_ptr<PumpedReply>> batch;
    {
      std::lock_guard lock(mutex_);
      batch.swap(dirty_);
      wake_outstanding_ = false;
    }
    bool slow = false;
    for (auto& reply : batch) {
      if (!alive_.load()) {
        reply->cancel();
        continue;
      }
      if (!reply->flush()) {
        slow = true;
        std::lock_guard lock(mutex_);
        dirty_.push_back(std::move(reply));
      }
    }
    if (!slow) return;
    bool retry = false;
    {
      std::lock_guard lock(mutex_);
      retry = !wake_outstanding_;
      wake_outstanding_ = true;
    }
    if (retry) request_retry(std::chrono::milliseconds(5));
  }

  // On the reactor thread: the connection closed.
  void disconnected(Tcp::Peer* peer) {
    std::shared_ptr<PumpedReply> reply;
    {
      std::lock_guard lock(mutex_);
      auto it = open_.find(peer);
      if (it == open_.end()) return;
      reply = it->second.lock();
      open_.erase(it);
    }
    if (reply) reply->cancel();
  }
  void track(Tcp::Peer* peer, const std::shared_ptr<PumpedReply>& reply) {
    std::lock_guard lock(mutex_);
    open_[peer] = reply;
  }
  void untrack(Tcp::Peer* peer) {
    std::lock_guard lock(mutex_);
    open_.erase(peer);
  }

  void mark_dead() { alive_ = false; }

 private:
  void request_retry(std::chrono::milliseconds delay) {
    {
      std::lock_guard lock(state_->wake_mutex);
      state_->retries.emplace_back(Clock::now() + delay, weak_from_this());
    }
    state_->wake_cv.notify_one();
  }

  Tcp::Transport* transport_;
  std::shared_ptr<ServerState> state_;
  const std::thread::id reactor_thread_;
  int wake_fd_;
  std::atomic<bool> alive_{true};
  std::mutex mutex_;
  std::vector<std::shared_ptr<PumpedReply>> dirty_;
  bool wake_outstanding_ = false;
  std::atomic<std::uint64_t> wakes_posted_{0};
  std::atomic<std::uint64_t> wakes_run_{0};
  // Wake thread only:
  std::uint64_t posted_at_last_check_ = 0;
  std::uint64_t run_at_last_check_ = 0;
  bool waited_at_last_check_ = false;
  std::unordered_map<Tcp::Peer*, std::weak_ptr<PumpedReply>> open_;  // replies still being produced
};

// Replies waiting for the end of this thread's outermost ReplyBatch (null: no batch open).
thread_local std::vector<std::shared_ptr<PumpedReply>>* batched_replies = nullptr;

void PumpedReply::submit() {
  {
    std::lock_guard lock(mutex_);
    if (queued_ || settled_) return;
    if (in_handler_) return;  // leave_handler() hands it to the pump
    queued_ = true;
  }
  if (batched_replies) return batched_replies->push_back(shared_from_this());
  pump_->submit(shared_from_this());
}

void PumpedReply::hand_to_pump() { pump_->submit(shared_from_this()); }

void PumpedReply::leave_handler(Http::ResponseWriter& writer,
                                const std::function<void(const HttpResponse&)>& send_now) {
  std::unique_lock lock(mutex_);
  in_handler_ = false;
  if (immediate_) {  // answered inside the handler: Pistache writes it, on this thread, now
    settled_ = true;
    lock.unlock();
    send_now(*immediate_);
    return;
  }
  // Answered later (a worker, the upstream loop) or partly now (a stream that started):
  // this reactor's pump writes it. The writer dies unsent, which sends nothing.
  auto peer = writer.peer();
  const bool pending_bytes = offset_ < buffer_.size();
  const bool finished = complete_;
  lock.unlock();
  peer->setIdle(true);  // while it is produced, the reaper applies the keep-alive timeout
  if (!finished) pump_->track(peer.get(), shared_from_this());
  if (pending_bytes || finished) {
    {
      std::lock_guard relock(mutex_);
      queued_ = true;
    }
    pump_->submit(shared_from_this());
    pump_->drain();  // on the reactor already: write what is there without a wake
  }
}

bool PumpedReply::flush() {
  std::unique_lock lock(mutex_);
  queued_ = false;
  if (settled_) return true;
  auto peer = peer_.lock();
  // A vanished peer, an fd that now belongs to another socket, or a reader cut for being
  // too slow: drop the reply.
  if (!peer || socket_identity(fd_) != identity_ || cancelled_.load()) {
    lock.unlock();
    cancel();
    return true;
  }
  while (offset_ < buffer_.size()) {
    ssize_t sent = ::send(fd_, buffer_.data() + offset_, buffer_.size() - offset_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      offset_ += static_cast<std::size_t>(sent);
      blocked_since_ = {};
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (blocked_since_ == Clock::time_point{}) blocked_since_ = Clock::now();
      if (Clock::now() - blocked_since_ < kMaxBlocked) {
        queued_ = true;
        return false;
      }
    }
    lock.unlock();
    cancel();  // an error, or a client that took nothing for kMaxBlocked
    return true;
  }
  buffer_.clear();
  offset_ = 0;
  if (streaming_ && !complete_) {
    // Mid-stream: keep the idle reaper away (it measures from the parser's last reset).
    const auto now = Clock::now();
    if (now - parser_touched_ > std::chrono::seconds(1)) {
      parser_touched_ = now;
      Http::Handler::getParser(peer)->reset();
    }
    return true;
  }
  if (!complete_) return true;
  settled_ = true;
  lock.unlock();
  settle(peer.get());
  return true;
}

void PumpedReply::settle(Tcp::Peer* peer) {
  pump_->untrack(peer);
  peer->setIdle(true);
  if (!keep_alive_) ::shutdown(fd_, SHUT_RDWR);  // never close(): Pistache owns the fd
  state_->in_flight.fetch_sub(1);
}

void PumpedReply::cancel() {
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    if (settled_) return;
    settled_ = true;
    cancelled_ = true;
    buffer_.clear();
    offset_ = 0;
    callback = std::move(cancel_callback_);
  }
  if (auto peer = peer_.lock(); peer && socket_identity(fd_) == identity_) {
    pump_->untrack(peer.get());
    ::shutdown(fd_, SHUT_RDWR);  // a half-written response must not be mistaken for a whole one
  }
  state_->in_flight.fetch_sub(1);
  if (callback) callback();
}

class Handler final : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Handler)
  Handler(App* app, std::shared_ptr<ServerState> state) : app_(app), state_(std::move(state)) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter writer) override {
    state_->in_flight.fetch_add(1);
    HttpRequest converted = convert(request);
    const bool keep_alive = converted.keep_alive && !state_->draining.load();
    auto send_now = [&](const HttpResponse& response) { send_through_pistache(response, keep_alive, writer); };
    if (state_->draining.load()) {
      const std::string id = accept_or_generate_request_id(converted.header("X-Request-ID"));
      HttpResponse response = error_response(503, "SERVICE_UNAVAILABLE", "the server is shutting down", id);
      response.set_header("Retry-After", "5");
      response.set_header("X-Request-ID", id);
      send_now(response);
      state_->in_flight.fetch_sub(1);
      return;
    }
    auto peer = writer.peer();
    auto reply = std::make_shared<PumpedReply>(pump(), state_, peer, peer->fd(), keep_alive);
    app_->handle(std::move(converted), reply);
    reply->leave_handler(writer, [&](const HttpResponse& response) {
      send_now(response);
      state_->in_flight.fetch_sub(1);
    });
  }

  // In place of Pistache's own parser, one without its chunked-body hang that asks the app
  // about each request before reading its body (see the header).
  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    std::string client_ip;
    try {
      client_ip = peer->address().host();
    } catch (const std::exception&) {
    }
    auto check = [app = app_, client_ip](const Http::Request& head, std::optional<std::size_t> declared_length) {
      HttpRequest converted = convert_head(head);
      converted.client_ip = client_ip;
      return app->admit_before_body(std::move(converted), declared_length);
    };
    // A request refused before its body was read is answered here, on the reactor, directly (it
    // is small and the socket's buffer has room), and the connection ends: shut for writing
    // only, so the client reads the answer before the connection goes (a reset could discard
    // it); the parser drops whatever the client still sends until it hangs up.
    auto write = [peer = std::weak_ptr<Tcp::Peer>(peer)](const HttpResponse& answer) {
      const auto alive = peer.lock();
      if (!alive) return;
      const std::string bytes = serialize(answer, /*keep_alive=*/false);
      (void)::send(alive->fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::shutdown(alive->fd(), SHUT_WR);  // never close(): Pistache owns the fd
    };
    peer->putData(ParserData,
                  make_request_parser(getMaxRequestSize(), state_->max_body_bytes, std::move(check), std::move(write)));
  }

  void onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    if (pump_) pump_->disconnected(peer.get());
    Http::Handler::onDisconnection(peer);
  }

 private:
  void send_through_pistache(const HttpResponse& response, bool keep_alive, Http::ResponseWriter& writer) {
    auto& headers = writer.headers();
    for (const auto& [name, value] : response.headers) headers.add(std::make_shared<DynamicHeader>(name, value));
    writer.setMime(Http::Mime::MediaType::fromString(response.content_type));
    // Pistache answers HTTP/1.1 clients that did not ask for keep-alive with Close.
    headers.remove<Http::Header::Connection>();
    headers.add<Http::Header::Connection>(keep_alive ? Http::ConnectionControl::KeepAlive
                                                     : Http::ConnectionControl::Close);
    auto sent = writer.send(static_cast<Http::Code>(response.status), response.body);
    if (keep_alive) return;
    // "Connection: close" is a promise to close: Pistache only says it. Once the answer is
    // written (the promise resolves on this reactor), the connection is shut down as a
    // pumped reply's is; until then the client would wait for the end of a connection that
    // stayed open until the idle reaper came (never close(): Pistache owns the fd).
    sent.then(
        [peer = std::weak_ptr<Tcp::Peer>(writer.peer())](ssize_t) {
          if (auto alive = peer.lock()) ::shutdown(alive->fd(), SHUT_RDWR);
        },
        Async::IgnoreException);
  }

  // The pump of the reactor this handler clone runs on (made on first use, on that reactor).
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

std::vector<std::shared_ptr<ReactorPump>> live_pumps(ServerState& state) {
  std::vector<std::shared_ptr<ReactorPump>> pumps;
  std::lock_guard lock(state.pumps_mutex);
  for (auto& weak : state.pumps) {
    if (auto pump = weak.lock()) pumps.push_back(std::move(pump));
  }
  return pumps;
}

// The wake thread: due retries, and lost wakes.
void run_wake_thread(ServerState& state) {
  auto last_active = Clock::time_point{};
  auto next_check = Clock::now() + kLostWakeCheckQuiet;
  std::unique_lock lock(state.wake_mutex);
  while (!state.wake_stop) {
    auto due = state.retries.end();
    for (auto it = state.retries.begin(); it != state.retries.end(); ++it) {
      if (due == state.retries.end() || it->first < due->first) due = it;
    }
    const auto now = Clock::now();
    if (due != state.retries.end() && due->first <= now) {
      auto pump = due->second.lock();
      state.retries.erase(due);
      lock.unlock();
      if (pump) pump->post_wake();
      lock.lock();
      continue;
    }
    if (now >= next_check) {
      lock.unlock();
      for (auto& pump : live_pumps(state)) {
        const auto check = pump->check_wakes();
        if (check.lost) pump->post_wake();
        if (check.active) last_active = now;
      }
      lock.lock();
      next_check = now + (now - last_active < kBusySpell ? kLostWakeCheckBusy : kLostWakeCheckQuiet);
      continue;
    }
    state.wake_cv.wait_until(lock, due != state.retries.end() ? std::min(next_check, due->first) : next_check);
  }
}

}  // namespace

ReplyBatch::ReplyBatch() : outermost_(batched_replies == nullptr) {
  if (outermost_) batched_replies = new std::vector<std::shared_ptr<PumpedReply>>();
}

ReplyBatch::~ReplyBatch() {
  if (!outermost_) return;
  std::unique_ptr<std::vector<std::shared_ptr<PumpedReply>>> replies(std::exchange(batched_replies, nullptr));
  for (auto& reply : *replies) reply->hand_to_pump();
}

struct HttpServer::Impl {
  App& app;
  HttpServerOptions options;
  std::unique_ptr<Http::Endpoint> endpoint;
  std::shared_ptr<ServerState> state = std::make_shared<ServerState>();
};

HttpServer::HttpServer(App& app, HttpServerOptions options) : impl_(new Impl{app, std::move(options), nullptr}) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  keep_headers_raw();
  Address address(impl_->options.host, Port(impl_->options.port));
  impl_->endpoint = std::make_unique<Http::Endpoint>(address);
  auto options = Http::Endpoint::options()
                     .threads(impl_->options.threads)
                     .flags(Tcp::Options::ReuseAddr | Tcp::Options::NoDelay)        // streams write small chunks
                     .maxRequestSize(impl_->options.max_request_bytes + 64 * 1024)  // plus headers
                     .maxResponseSize(64 * 1024 * 1024)
                     .headerTimeout(impl_->options.header_timeout)
                     .bodyTimeout(impl_->options.body_timeout);
  impl_->endpoint->init(options);
  impl_->endpoint->setHandler(Http::make_handler<Handler>(&impl_->app, impl_->state));
  auto* state = impl_->state.get();
  state->max_body_bytes = impl_->options.max_request_bytes;
  state->wake_thread = std::thread([state] { run_wake_thread(*state); });
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
    std::lock_guard lock(state.wake_mutex);
    state.wake_stop = true;
  }
  state.wake_cv.notify_all();
  if (state.wake_thread.joinable()) state.wake_thread.join();
  impl_->endpoint->shutdown();
  impl_->endpoint.reset();
}

}  // namespace switchboard
