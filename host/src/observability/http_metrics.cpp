#include "observability/http_metrics.hpp"

#include <vector>

#include <switchboard/metrics.hpp>

namespace switchboard {
namespace {

const std::vector<double> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,   0.5,   1,      2.5,   5,    10,    30};
// Overhead is what a gateway adds to every call: it lives in microseconds to milliseconds.
const std::vector<double> kOverheadBuckets = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                              0.005,   0.01,   0.025,   0.05,   0.1,   0.25};

}  // namespace

HttpMetrics::HttpMetrics(MetricsRegistry& registry)
    : registry_(registry),
      active_(registry.gauge("switchboard_http_requests_active", "HTTP requests being served", {})),
      busy_(registry.counter("switchboard_worker_pool_rejections_total",
                             "Requests answered 503 because every worker was busy and the queue full", {})) {}

void HttpMetrics::finished(const std::string& method, std::string_view route, int status, double seconds,
                           std::optional<double> overhead_seconds) {
  const std::string route_key = method + ' ' + std::string(route);
  std::shared_ptr<plugin::Counter> counter;
  std::shared_ptr<plugin::Histogram> latency;
  std::shared_ptr<plugin::Histogram> overhead;
  {
    std::lock_guard lock(mutex_);
    auto& slot = counters_[route_key + ' ' + std::to_string(status)];
    if (!slot) {
      slot = registry_.counter("switchboard_http_requests_total", "HTTP requests answered",
                               {{"method", method}, {"route", std::string(route)}, {"status", std::to_string(status)}});
    }
    counter = slot;
    auto& histogram = latencies_[route_key];
    if (!histogram) {
      histogram = registry_.histogram("switchboard_http_request_duration_seconds", "Time to answer HTTP requests",
                                      {{"method", method}, {"route", std::string(route)}}, kLatencyBuckets);
    }
    latency = histogram;
    if (overhead_seconds) {
      auto& own = overheads_[route_key];
      if (!own) {
        own = registry_.histogram("switchboard_gateway_overhead_seconds",
                                  "Time a request that called an LLM spent in Switchboard, upstream calls excluded",
                                  {{"method", method}, {"route", std::string(route)}}, kOverheadBuckets);
      }
      overhead = own;
    }
  }
  counter->increment();
  latency->observe(seconds);
  active_->add(-1);
  if (overhead) overhead->observe(*overhead_seconds < 0 ? 0 : *overhead_seconds);
}

}  // namespace switchboard
