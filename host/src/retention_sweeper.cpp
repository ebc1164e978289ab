#include "retention_sweeper.hpp"

#include <switchboard/log.hpp>
#include <switchboard/storage/retention.hpp>

namespace switchboard {
namespace {

Logger& log() {
  static Logger logger("retention");
  return logger;
}

constexpr auto kFirstSweepAfter = std::chrono::seconds(30);

}  // namespace

RetentionSweeper::RetentionSweeper(storage::Database& database, RetentionConfig config)
    : database_(database), config_(config), thread_([this] { run(); }) {}

RetentionSweeper::~RetentionSweeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RetentionSweeper::run() {
  std::unique_lock lock(mutex_);
  auto wait = std::chrono::duration_cast<std::chrono::seconds>(kFirstSweepAfter);
  for (;;) {
    if (wake_.wait_for(lock, wait, [&] { return stopping_; })) return;
    wait = std::chrono::minutes(config_.sweep_minutes);
    lock.unlock();
    try {
      nlohmann::json deleted = nlohmann::json::object();
      std::int64_t total = 0;
      for (const auto& [table, count] : storage::apply_retention(database_, config_)) {
        deleted[table] = count;
        total += count;
      }
      if (total > 0) log().info("retention sweep", {{"deleted", deleted}});
    } catch (const std::exception& e) {
      log().error("retention sweep failed", {{"reason", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace switchboard
