#pragma once
// HTTP requests on /metrics: count and latency by route and status, requests in flight, the
// gateway's own overhead (time in Switchboard, upstream calls excluded) and requests the
// full worker pool turned away.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <switchboard/plugin/host_services.hpp>

namespace switchboard {

class MetricsRegistry;

class HttpMetrics {
 public:
  explicit HttpMetrics(MetricsRegistry& registry);

  void started() { active_->add(1); }
  // `overhead_seconds`: for requests that called an LLM, their time minus the upstream time.
  void finished(const std::string& method, std::string_view route, int status, double seconds,
                std::optional<double> overhead_seconds);
  void turned_away() { busy_->increment(); }

 private:
  MetricsRegistry& registry_;
  std::shared_ptr<plugin::Gauge> active_;
  std::shared_ptr<plugin::Counter> busy_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<plugin::Counter>> counters_;
  std::unordered_map<std::string, std::shared_ptr<plugin::Histogram>> latencies_;
  std::unordered_map<std::string, std::shared_ptr<plugin::Histogram>> overheads_;
};

}  // namespace switchboard
