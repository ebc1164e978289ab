#include "parallel_runner.hpp"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>

#include <switchboard/log.hpp>
#include <switchboard/request_context.hpp>

namespace switchboard {

ParallelRunner::ParallelRunner(std::size_t helper_threads) : helpers_(helper_threads, 0) {}

void ParallelRunner::run(const std::vector<std::function<void()>>& tasks, const RequestContext* context) {
  if (!context) context = current_request();
  struct Batch {
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::condition_variable helper_done;
    std::size_t helpers_running = 0;
    std::exception_ptr first_error;
  } batch;
  // Whoever runs (helper or caller) claims the next unclaimed task until none is left.
  auto drain = [&tasks, &batch] {
    for (std::size_t i; (i = batch.next.fetch_add(1)) < tasks.size();) {
      try {
        tasks[i]();
      } catch (...) {
        std::lock_guard lock(batch.mutex);
        if (!batch.first_error) batch.first_error = std::current_exception();
      }
    }
  };
  auto serve_and_drain = [&drain, context] {
    if (!context) return drain();
    CurrentRequestScope request_scope(*context);
    drain();
  };
  const logging::Context log_context = logging::current_context();
  for (std::size_t i = 1; i < tasks.size(); ++i) {
    {
      std::lock_guard lock(batch.mutex);
      ++batch.helpers_running;
    }
    const bool taken = helpers_.try_submit([&batch, &serve_and_drain, log_context] {
      {
        logging::ScopedContext log_scope(log_context);
        serve_and_drain();
      }
      std::lock_guard lock(batch.mutex);
      --batch.helpers_running;
      batch.helper_done.notify_all();
    });
    if (!taken) {
      std::lock_guard lock(batch.mutex);
      --batch.helpers_running;
      break;  // no idle helper: the caller does the rest
    }
  }
  serve_and_drain();
  std::unique_lock lock(batch.mutex);
  batch.helper_done.wait(lock, [&batch] { return batch.helpers_running == 0; });
  if (batch.first_error) std::rethrow_exception(batch.first_error);
}

}  // namespace switchboard
