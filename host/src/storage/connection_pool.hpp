#pragma once
// A fixed-size pool of connections of one driver, made on first need. A thread takes one for
// a statement or a transaction and gives it back; none is shared between threads at once.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace switchboard::storage {

template <typename Connection>
class ConnectionPool {
 public:
  ConnectionPool(std::size_t size, std::function<std::unique_ptr<Connection>()> connect)
      : size_(size == 0 ? 1 : size), connect_(std::move(connect)) {}

  // Runs `use` with a connection. A connection `use` reports broken (by returning false from
  // `healthy`) is dropped instead of returned, and the next taker makes a fresh one.
  template <typename Use>
  auto with(Use&& use) {
    std::unique_ptr<Connection> connection = take();
    struct GiveBack {
      ConnectionPool* pool;
      std::unique_ptr<Connection>* connection;
      ~GiveBack() { pool->give_back(std::move(*connection)); }
    } give_back{this, &connection};
    return use(*connection);
  }

 private:
  std::unique_ptr<Connection> take() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty() || made_ < size_; });
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++made_;
    lock.unlock();
    try {
      return connect_();
    } catch (...) {
      std::lock_guard relock(mutex_);
      --made_;
      available_.notify_one();
      throw;
    }
  }
  void give_back(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    if (connection && connection->healthy()) {
      idle_.push_back(std::move(connection));
    } else {
      --made_;
    }
    available_.notify_one();
  }

  const std::size_t size_;
  std::function<std::unique_ptr<Connection>()> connect_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t made_ = 0;
};

}  // namespace switchboard::storage
