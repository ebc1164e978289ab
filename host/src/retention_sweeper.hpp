#pragma once
// Runs the retention rules on their own thread: shortly after start, then every
// `retention.sweep_minutes`. Requests never wait for it (it deletes in small transactions).

#include <condition_variable>
#include <mutex>
#include <thread>

#include <switchboard/config.hpp>
#include <switchboard/storage/database.hpp>

namespace switchboard {

class RetentionSweeper {
 public:
  RetentionSweeper(storage::Database& database, RetentionConfig config);
  ~RetentionSweeper();
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

 private:
  void run();

  storage::Database& database_;
  const RetentionConfig config_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace switchboard
