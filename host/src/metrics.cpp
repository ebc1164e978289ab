#include <switchboard/metrics.hpp>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace switchboard {
namespace {

// The prometheus metric objects live in the registry for the process's life; these thin
// handles only point at them, so a plugin may drop or keep them freely.
class CounterHandle final : public plugin::Counter {
 public:
  explicit CounterHandle(prometheus::Counter& counter) : counter_(counter) {}
  void increment(double amount) override {
    if (amount >= 0) counter_.Increment(amount);
  }

 private:
  prometheus::Counter& counter_;
};

class GaugeHandle final : public plugin::Gauge {
 public:
  explicit GaugeHandle(prometheus::Gauge& gauge) : gauge_(gauge) {}
  void set(double value) override { gauge_.Set(value); }
  void add(double amount) override { gauge_.Increment(amount); }

 private:
  prometheus::Gauge& gauge_;
};

class HistogramHandle final : public plugin::Histogram {
 public:
  explicit HistogramHandle(prometheus::Histogram& histogram) : histogram_(histogram) {}
  void observe(double value) override { histogram_.Observe(value); }

 private:
  prometheus::Histogram& histogram_;
};

}  // namespace

MetricsRegistry::MetricsRegistry() : registry_(std::make_shared<prometheus::Registry>()) {}
MetricsRegistry::~MetricsRegistry() = default;

std::shared_ptr<plugin::Counter> MetricsRegistry::counter(const std::string& name, const std::string& help,
                                                          const plugin::MetricLabels& labels) {
  auto& family = prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
  return std::make_shared<CounterHandle>(family.Add({labels.begin(), labels.end()}));
}

std::shared_ptr<plugin::Gauge> MetricsRegistry::gauge(const std::string& name, const std::string& help,
                                                      const plugin::MetricLabels& labels) {
  auto& family = prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
  return std::make_shared<GaugeHandle>(family.Add({labels.begin(), labels.end()}));
}

std::shared_ptr<plugin::Histogram> MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                                              const plugin::MetricLabels& labels,
                                                              const std::vector<double>& buckets) {
  auto& family = prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
  return std::make_shared<HistogramHandle>(family.Add({labels.begin(), labels.end()}, buckets));
}

void MetricsRegistry::on_collect(std::function<void()> hook) {
  std::lock_guard lock(hooks_mutex_);
  hooks_.push_back(std::move(hook));
}

std::string MetricsRegistry::exposition() const {
  {
    std::lock_guard lock(hooks_mutex_);
    for (const auto& hook : hooks_) hook();
  }
  prometheus::TextSerializer serializer;
  return serializer.Serialize(registry_->Collect());
}

}  // namespace switchboard
