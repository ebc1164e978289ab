#pragma once
// Writes usage ledger entries off the request path: `record` only queues; a thread appends
// what has queued every 50 ms (or sooner, when 512 are waiting) in one transaction. When the
// store fails, entries wait and are tried again (up to a bound, beyond which they are counted
// as dropped and logged). `flush` waits until everything recorded before it is stored; the
// destructor flushes, so a clean shutdown loses nothing.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <switchboard/storage/usage_ledger.hpp>

namespace switchboard {

class LedgerWriter {
 public:
  explicit LedgerWriter(storage::Database& database);
  ~LedgerWriter();
  LedgerWriter(const LedgerWriter&) = delete;
  LedgerWriter& operator=(const LedgerWriter&) = delete;

  void record(storage::LedgerEntry entry);
  // Returns once every entry recorded before the call is stored (or the store has failed).
  void flush();

 private:
  void run();

  storage::UsageLedger ledger_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::vector<storage::LedgerEntry> queue_;
  std::uint64_t recorded_ = 0;  // how many were ever recorded
  std::uint64_t settled_ = 0;   // how many of those are stored or dropped
  bool flush_wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace switchboard
