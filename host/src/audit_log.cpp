#include "audit_log.hpp"

#include <switchboard/log.hpp>

namespace switchboard {
namespace {

Logger& log() {
  static Logger logger("audit");
  return logger;
}

constexpr auto kWriteEvery = std::chrono::milliseconds(100);
constexpr std::size_t kMaxWaiting = 50'000;

}  // namespace

AuditLog::AuditLog(storage::Database* database) : database_(database) {
  if (database_) thread_ = std::thread([this] { run(); });
}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AuditLog::record(storage::AuditEvent event) {
  if (event.created_at.empty()) event.created_at = storage::utc_now();
  nlohmann::json fields = event.details;
  if (!fields.is_object()) fields = {{"details", fields}};
  fields["action"] = event.action;
  fields["actor"] = event.actor;
  if (!event.target.empty()) fields["target"] = event.target;
  log().info("audit event", fields);
  if (!database_) return;
  std::lock_guard lock(mutex_);
  ++recorded_;
  if (queue_.size() >= kMaxWaiting) {
    ++settled_;
    ++dropped_;
    return;
  }
  queue_.push_back(std::move(event));
}

void AuditLog::flush() {
  if (!database_) return;
  std::unique_lock lock(mutex_);
  const std::uint64_t target = recorded_;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return settled_ >= target || stopping_; });
}

std::uint64_t AuditLog::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void AuditLog::run() {
  std::unique_lock lock(mutex_);
  storage::AuditEvents store(*database_);
  for (;;) {
    wake_.wait_for(lock, kWriteEvery, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      if (stopping_) return;
      continue;
    }
    std::vector<storage::AuditEvent> batch;
    batch.swap(queue_);
    lock.unlock();
    try {
      store.append_all(batch);
    } catch (const std::exception& e) {
      // The events are in the log already; the store is what failed.
      log().error("audit events not stored", {{"events", batch.size()}, {"reason", e.what()}});
    }
    lock.lock();
    settled_ += batch.size();
    flushed_.notify_all();
  }
}

}  // namespace switchboard
