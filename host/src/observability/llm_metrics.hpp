#pragma once
// LLM calls on /metrics: requests, latency, tokens and cost by provider instance, model and
// framework, counted from the usage ledger's entries (one per call, whichever path made it).

#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace switchboard {

namespace plugin {
class Metrics;
}
namespace storage {
struct LedgerEntry;
}

class LlmMetrics {
 public:
  // At most `max_models` (provider, model) pairs get series of their own; models beyond them
  // are counted as model "other", so clients naming models cannot grow /metrics without end.
  explicit LlmMetrics(plugin::Metrics& metrics, std::size_t max_models = 200);

  void record(const storage::LedgerEntry& entry);

 private:
  std::string model_label(const std::string& provider, const std::string& model);

  plugin::Metrics& metrics_;
  const std::size_t max_models_;
  std::mutex mutex_;
  std::set<std::pair<std::string, std::string>> models_;
};

}  // namespace switchboard
