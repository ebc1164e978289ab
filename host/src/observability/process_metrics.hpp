#pragma once
// The process's own figures on /metrics under the names Prometheus client libraries use
// (process_resident_memory_bytes, process_open_fds, …), read from /proc at each scrape.

namespace switchboard {

class MetricsRegistry;

void add_process_metrics(MetricsRegistry& registry);

}  // namespace switchboard
