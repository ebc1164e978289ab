#pragma once
// Gauges read at each scrape from the parts that hold them: the worker pool (threads, busy,
// queued) and each provider instance's circuit breaker (one series per state, 1 for the
// current one) and calls in flight.

namespace switchboard {

class MetricsRegistry;
class WorkerPool;
class ProviderRouter;

void add_worker_pool_metrics(MetricsRegistry& registry, const WorkerPool& pool);
void add_provider_metrics(MetricsRegistry& registry, ProviderRouter& router);

}  // namespace switchboard
