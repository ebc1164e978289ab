#pragma once
// Runs a request's independent pieces (a graph's parallel nodes, /api/compare's frameworks)
// at the same time, each still served as part of that request: the helper thread takes on the
// request's context (plugin snapshot, LLM call records, usage labels) and its log context.
//
// Helpers are bounded and never waited for: a piece no idle helper picks up runs on the
// calling thread, so a full pool slows a request down but can never deadlock it.

#include <cstddef>
#include <functional>
#include <vector>

#include <switchboard/worker_pool.hpp>

namespace switchboard {

struct RequestContext;

class ParallelRunner {
 public:
  explicit ParallelRunner(std::size_t helper_threads);
  // Runs every task and returns when all have ended; rethrows the first exception thrown.
  // `context`, when set, is the request each task serves (else the caller's current one).
  void run(const std::vector<std::function<void()>>& tasks, const RequestContext* context = nullptr);
  void shutdown() { helpers_.shutdown(); }

 private:
  WorkerPool helpers_;
};

}  // namespace switchboard
