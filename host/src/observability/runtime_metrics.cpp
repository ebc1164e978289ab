#include "observability/runtime_metrics.hpp"

#include <nlohmann/json.hpp>

#include <switchboard/metrics.hpp>
#include <switchboard/worker_pool.hpp>

#include "provider_router.hpp"

namespace switchboard {

void add_worker_pool_metrics(MetricsRegistry& registry, const WorkerPool& pool) {
  auto threads = registry.gauge("switchboard_worker_pool_threads", "Threads of the worker pool", {});
  auto busy = registry.gauge("switchboard_worker_pool_busy", "Worker threads running a task", {});
  auto queued = registry.gauge("switchboard_worker_pool_queue_depth", "Tasks waiting for a worker", {});
  auto capacity =
      registry.gauge("switchboard_worker_pool_queue_capacity", "Tasks that may wait before requests get 503", {});
  threads->set(static_cast<double>(pool.threads()));
  capacity->set(static_cast<double>(pool.queue_capacity()));
  registry.on_collect([&pool, busy, queued] {
    busy->set(static_cast<double>(pool.busy()));
    queued->set(static_cast<double>(pool.queued()));
  });
}

void add_provider_metrics(MetricsRegistry& registry, ProviderRouter& router) {
  static const char* const states[] = {"closed", "half_open", "open"};
  registry.on_collect([&registry, &router] {
    const auto breakers = router.breakers();
    for (const auto& [instance, breaker] : breakers.items()) {
      const std::string state = breaker.value("state", "closed");
      for (const char* name : states) {
        registry
            .gauge("switchboard_circuit_breaker_state",
                   "Circuit breaker of a provider instance: 1 for its current state",
                   {{"provider", instance}, {"state", name}})
            ->set(state == name ? 1 : 0);
      }
      registry
          .gauge("switchboard_provider_in_flight", "LLM calls in flight to a provider instance",
                 {{"provider", instance}})
          ->set(breaker.value("in_flight", 0));
    }
  });
}

}  // namespace switchboard
