#pragma once
// The security audit trail: every event is logged at once as a JSON line (logger "audit"),
// and, with a store, queued and appended off the request path in batches — an attacker who
// floods bad keys costs the server a queue push per request, not a database write. The
// queue is bounded (beyond it events are only logged, and counted as dropped). `flush`
// waits until everything recorded before it is stored, so a reader sees its own events.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <switchboard/storage/audit_events.hpp>

namespace switchboard {

class AuditLog {
 public:
  explicit AuditLog(storage::Database* database);  // null: log only
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void record(storage::AuditEvent event);
  void flush();
  std::uint64_t dropped() const;

 private:
  void run();

  storage::Database* database_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::vector<storage::AuditEvent> queue_;
  std::uint64_t recorded_ = 0;
  std::uint64_t settled_ = 0;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace switchboard
