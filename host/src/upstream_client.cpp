#include <switchboard/upstream_client.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include <switchboard/reply_channel.hpp>

namespace switchboard {
namespace {

using Clock = std::chrono::steady_clock;

struct Transfer final : UpstreamTransfer, std::enable_shared_from_this<Transfer> {
  plugin::UpstreamRequest request;
  UpstreamTimeouts timeouts;
  UpstreamCallbacks callbacks;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  Clock::time_point started = Clock::now();
  Clock::time_point last_data{};
  bool head_delivered = false;
  int status = 0;
  plugin::HeaderList response_headers;
  std::atomic<bool> cancel_requested{false};
  UpstreamFailure aborted_for = UpstreamFailure::none;  // set when we stop it ourselves
  std::function<void(Transfer*)> wake;

  ~Transfer() override {
    if (easy) curl_easy_cleanup(easy);  // only if it never ran: a finished transfer returns its handle
    if (headers) curl_slist_free_all(headers);
  }
  void cancel() override {
    cancel_requested = true;
    if (wake) wake(this);
  }
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {  // a new status line (also after 100 Continue)
    transfer->response_headers.clear();
    auto space = line.find(' ');
    transfer->status = space == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    return size * count;
  }
  if (line == "\r\n" || line == "\n") {
    if (transfer->status >= 200 && !transfer->head_delivered) {
      transfer->head_delivered = true;
      transfer->last_data = Clock::now();
      if (transfer->callbacks.on_head) transfer->callbacks.on_head(transfer->status, transfer->response_headers);
    }
    return size * count;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    transfer->response_headers.emplace_back(std::move(name), std::string(value));
  }
  return size * count;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  transfer->last_data = Clock::now();
  if (transfer->cancel_requested.load()) return 0;
  if (transfer->callbacks.on_data && !transfer->callbacks.on_data(std::string_view(data, size * count))) {
    transfer->cancel_requested = true;
    return 0;  // aborts the transfer
  }
  return size * count;
}

UpstreamFailure classify(CURLcode code, const Transfer& transfer) {
  if (transfer.aborted_for != UpstreamFailure::none) return transfer.aborted_for;
  if (transfer.cancel_requested.load()) return UpstreamFailure::cancelled;
  switch (code) {
    case CURLE_OK:
      return UpstreamFailure::none;
    case CURLE_OPERATION_TIMEDOUT:
      return transfer.head_delivered ? UpstreamFailure::timeout_total : UpstreamFailure::timeout_connect;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
      return UpstreamFailure::connect;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return UpstreamFailure::reset;
    default:
      return UpstreamFailure::other;
  }
}

// Sets a transfer's options on `easy` (a fresh or reset handle).
void configure(CURL* easy, Transfer& transfer) {
  for (const auto& [name, value] : transfer.request.headers) {
    transfer.headers = curl_slist_append(transfer.headers, (name + ": " + value).c_str());
  }
  transfer.headers = curl_slist_append(transfer.headers, "Expect:");
  curl_easy_setopt(easy, CURLOPT_URL, transfer.request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, transfer.request.method.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.headers);
  if (transfer.request.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer.request.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(transfer.request.body.size()));
  }
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(transfer.timeouts.connect.count()));
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
}

}  // namespace

const char* to_string(UpstreamFailure failure) {
  switch (failure) {
    case UpstreamFailure::none:
      return "none";
    case UpstreamFailure::connect:
      return "connect_failed";
    case UpstreamFailure::timeout_connect:
      return "connect_timeout";
    case UpstreamFailure::timeout_first_byte:
      return "first_byte_timeout";
    case UpstreamFailure::timeout_idle:
      return "idle_timeout";
    case UpstreamFailure::timeout_total:
      return "total_timeout";
    case UpstreamFailure::reset:
      return "connection_reset";
    case UpstreamFailure::cancelled:
      return "cancelled";
    case UpstreamFailure::other:
      return "upstream_error";
  }
  return "upstream_error";
}

struct UpstreamClient::Impl {
  CURLM* multi = nullptr;
  std::thread thread;
  mutable std::mutex mutex;
  std::vector<std::shared_ptr<Transfer>> incoming;  // guarded by mutex
  bool stopping = false;                            // guarded by mutex
  std::atomic<std::size_t> active{0};
  // Owned by the thread only:
  std::unordered_set<std::shared_ptr<Transfer>> running;
  // Finished handles, reset for the next transfer: curl_easy_init and its buffers cost more
  // than a reset, on every request.
  std::vector<CURL*> spare_handles;
  static constexpr std::size_t kMaxSpareHandles = 256;

  CURL* take_handle() {
    if (spare_handles.empty()) return curl_easy_init();
    CURL* easy = spare_handles.back();
    spare_handles.pop_back();
    return easy;
  }
  void give_back(CURL* easy) {
    if (spare_handles.size() >= kMaxSpareHandles) return curl_easy_cleanup(easy);
    curl_easy_reset(easy);
    spare_handles.push_back(easy);
  }

  void wake() { curl_multi_wakeup(multi); }

  void finish(const std::shared_ptr<Transfer>& transfer, CURLcode code) {
    curl_multi_remove_handle(multi, transfer->easy);
    give_back(std::exchange(transfer->easy, nullptr));
    UpstreamResult result;
    result.failure = classify(code, *transfer);
    result.status = transfer->status;
    result.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - transfer->started).count();
    if (result.failure != UpstreamFailure::none) {
      result.message = code != CURLE_OK && transfer->aborted_for == UpstreamFailure::none && !transfer->cancel_requested
                           ? curl_easy_strerror(code)
                           : to_string(result.failure);
    }
    running.erase(transfer);
    active.fetch_sub(1);
    // Drop the callbacks before calling the last one: they may own whoever owns this
    // transfer (a reply keeps the transfer to cancel it), and that cycle must not outlive it.
    auto done = std::move(transfer->callbacks.on_done);
    transfer->callbacks = {};
    if (done) done(result);
  }

  // Our own timeouts: first byte, idle gap, total (curl enforces connect).
  std::chrono::milliseconds check_deadlines() {
    const auto now = Clock::now();
    auto next = std::chrono::milliseconds(100);
    std::vector<std::shared_ptr<Transfer>> expired;
    for (const auto& t : running) {
      Clock::time_point deadline = t->started + t->timeouts.total;
      UpstreamFailure reason = UpstreamFailure::timeout_total;
      if (!t->head_delivered && t->started + t->timeouts.first_byte < deadline) {
        deadline = t->started + t->timeouts.first_byte;
        reason = UpstreamFailure::timeout_first_byte;
      } else if (t->head_delivered && t->last_data + t->timeouts.idle < deadline) {
        deadline = t->last_data + t->timeouts.idle;
        reason = UpstreamFailure::timeout_idle;
      }
      if (t->cancel_requested.load()) {
        reason = UpstreamFailure::cancelled;
        deadline = now;
      }
      if (deadline <= now) {
        t->aborted_for = reason;
        expired.push_back(t);
      } else {
        next = std::min(
            next, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) + std::chrono::milliseconds(1));
      }
    }
    for (const auto& t : expired) finish(t, CURLE_ABORTED_BY_CALLBACK);
    return next;
  }

  void run() {
    for (;;) {
      std::vector<std::shared_ptr<Transfer>> added;
      bool stop = false;
      {
        std::lock_guard lock(mutex);
        added.swap(incoming);
        stop = stopping;
      }
      for (auto& t : added) {
        t->easy = take_handle();
        configure(t->easy, *t);
        running.insert(t);
        curl_multi_add_handle(multi, t->easy);
      }
      if (stop) {
        auto all = std::vector<std::shared_ptr<Transfer>>(running.begin(), running.end());
        for (auto& t : all) {
          t->aborted_for = UpstreamFailure::cancelled;
          finish(t, CURLE_ABORTED_BY_CALLBACK);
        }
        return;
      }
      std::chrono::milliseconds wait{};
      {
        ReplyBatch batch;  // what this round of reads produced for each client goes out at once
        int still_running = 0;
        curl_multi_perform(multi, &still_running);
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
          if (message->msg != CURLMSG_DONE) continue;
          Transfer* raw = nullptr;
          curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &raw);
          const CURLcode code = message->data.result;
          std::shared_ptr<Transfer> transfer = raw->shared_from_this();
          finish(transfer, code);
        }
        wait = check_deadlines();
      }
      long curl_wait = -1;
      curl_multi_timeout(multi, &curl_wait);
      if (curl_wait >= 0) wait = std::min(wait, std::chrono::milliseconds(curl_wait));
      curl_multi_poll(multi, nullptr, 0, static_cast<int>(wait.count()), nullptr);
    }
  }
};

UpstreamClient::UpstreamClient() : impl_(std::make_unique<Impl>()) {
  static std::once_flag curl_global;
  std::call_once(curl_global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->multi = curl_multi_init();
  curl_multi_setopt(impl_->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, 512L);
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

UpstreamClient::~UpstreamClient() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake();
  impl_->thread.join();
  for (CURL* easy : impl_->spare_handles) curl_easy_cleanup(easy);
  curl_multi_cleanup(impl_->multi);
}

std::size_t UpstreamClient::active() const { return impl_->active.load(); }

std::shared_ptr<UpstreamTransfer> UpstreamClient::start(plugin::UpstreamRequest request,
                                                        const UpstreamTimeouts& timeouts, UpstreamCallbacks callbacks) {
  auto transfer = std::make_shared<Transfer>();
  transfer->request = std::move(request);
  transfer->timeouts = timeouts;
  transfer->callbacks = std::move(callbacks);
  Impl* impl = impl_.get();
  transfer->wake = [impl](Transfer*) { impl->wake(); };

  impl_->active.fetch_add(1);
  {
    std::lock_guard lock(impl_->mutex);
    impl_->incoming.push_back(transfer);
  }
  impl_->wake();
  return transfer;
}

}  // namespace switchboard
