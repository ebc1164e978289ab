#include "ledger_writer.hpp"

#include <switchboard/log.hpp>

namespace switchboard {
namespace {

Logger& log() {
  static Logger logger("ledger");
  return logger;
}

constexpr auto kFlushEvery = std::chrono::milliseconds(50);
constexpr std::size_t kBatch = 512;
constexpr std::size_t kMaxWaiting = 200'000;  // entries kept while the store is down

}  // namespace

LedgerWriter::LedgerWriter(storage::Database& database) : ledger_(database), thread_([this] { run(); }) {}

LedgerWriter::~LedgerWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LedgerWriter::record(storage::LedgerEntry entry) {
  if (entry.created_at.empty()) entry.created_at = storage::utc_now();
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxWaiting) {
      ++recorded_;
      ++settled_;
      full = true;
    } else {
      queue_.push_back(std::move(entry));
      ++recorded_;
      if (queue_.size() >= kBatch) wake_.notify_one();
    }
  }
  if (full) log().error("ledger entry dropped: the store has been failing and the queue is full", {});
}

void LedgerWriter::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = recorded_;
  flush_wanted_ = true;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return settled_ >= target || stopping_; });
}

void LedgerWriter::run() {
  std::unique_lock lock(mutex_);
  bool failing = false;
  for (;;) {
    wake_.wait_for(lock, failing ? std::chrono::seconds(1) : kFlushEvery,
                   [&] { return stopping_ || queue_.size() >= kBatch || flush_wanted_; });
    flush_wanted_ = false;
    if (queue_.empty()) {
      if (stopping_) return;
      continue;
    }
    std::vector<storage::LedgerEntry> batch;
    batch.swap(queue_);
    lock.unlock();
    try {
      ledger_.append(batch);
      failing = false;
      lock.lock();
      settled_ += batch.size();
      flushed_.notify_all();
    } catch (const std::exception& e) {
      log().error("cannot write the usage ledger; will retry", {{"entries", batch.size()}, {"reason", e.what()}});
      lock.lock();
      failing = true;
      if (stopping_) {  // the last try failed: nothing more can be done
        log().error("ledger entries dropped at shutdown: the store kept failing",
                    {{"entries", batch.size() + queue_.size()}});
        settled_ += batch.size() + queue_.size();
        queue_.clear();
        flushed_.notify_all();
        return;
      }
      batch.insert(batch.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_ = std::move(batch);
    }
  }
}

}  // namespace switchboard
