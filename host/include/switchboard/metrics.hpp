#pragma once
// The host's Prometheus registry, offered to plugins through HostServices::metrics().

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <switchboard/plugin/host_services.hpp>

namespace prometheus {
class Registry;
}

namespace switchboard {

class MetricsRegistry final : public plugin::Metrics {
 public:
  MetricsRegistry();
  ~MetricsRegistry() override;

  std::shared_ptr<plugin::Counter> counter(const std::string& name, const std::string& help,
                                           const plugin::MetricLabels& labels) override;
  std::shared_ptr<plugin::Gauge> gauge(const std::string& name, const std::string& help,
                                       const plugin::MetricLabels& labels) override;
  std::shared_ptr<plugin::Histogram> histogram(const std::string& name, const std::string& help,
                                               const plugin::MetricLabels& labels,
                                               const std::vector<double>& buckets) override;

  // Runs before every exposition: sets gauges whose value is read rather than counted
  // (pool occupancy, breaker states, process figures). Hooks run one at a time.
  void on_collect(std::function<void()> hook);

  // The Prometheus text exposition of every metric.
  std::string exposition() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex hooks_mutex_;
  std::vector<std::function<void()>> hooks_;
};

}  // namespace switchboard
