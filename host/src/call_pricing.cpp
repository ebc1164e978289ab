#include "call_pricing.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include <switchboard/log.hpp>

namespace switchboard {
namespace {

Logger& log() {
  static Logger logger("cost");
  return logger;
}

void warn_once(const std::string& instance, const std::string& model, const std::string& why) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  {
    std::lock_guard lock(mutex);
    if (!warned.insert(instance + '\n' + model).second) return;
  }
  log().warn("calls priced at 0 (not in the price table)", {{"provider", instance}, {"model", model}, {"reason", why}});
}

// Fills `entry`'s cost, prices and `priced` from its tokens.
void price_call(const RegistrySnapshot& plugins, const ProviderInstanceConfig& instance, storage::LedgerEntry& entry) {
  entry.cost_nanousd = 0;
  entry.priced = false;
  auto cost = plugins.find(instance.cost_model);
  if (!cost || !cost->cost_model) {
    warn_once(instance.name, entry.model, "cost model \"" + instance.cost_model + "\" is not loaded");
    return;
  }
  try {
    const plugin::Usage usage{entry.input_tokens, entry.output_tokens, entry.cached_tokens};
    auto price = cost->cost_model->price(entry.model, usage);
    if (!price) return warn_once(instance.name, entry.model, "unknown model");
    entry.cost_nanousd = price->cost_nano_usd;
    entry.input_price_per_mtok_microusd = price->input_per_million_micro_usd;
    entry.output_price_per_mtok_microusd = price->output_per_million_micro_usd;
    entry.cached_price_per_mtok_microusd = price->cached_per_million_micro_usd;
    entry.priced = true;
  } catch (const std::exception& e) {
    log().error("cost model threw", {{"cost_model", instance.cost_model}, {"error", e.what()}});
  }
}

}  // namespace

std::int64_t estimate_tokens(std::string_view text) { return static_cast<std::int64_t>((text.size() + 3) / 4); }

std::optional<std::int64_t> output_cap(const plugin::ChatRequest& request) {
  if (request.max_tokens) return *request.max_tokens;
  if (request.extra.is_object()) {
    const auto found = request.extra.find("max_completion_tokens");
    if (found != request.extra.end() && found->is_number_integer() && found->get<std::int64_t>() > 0)
      return found->get<std::int64_t>();
  }
  return std::nullopt;
}

std::int64_t worst_case_cost(const plugin::CostModel& cost, const std::string& model,
                             const plugin::ChatRequest& request, std::int64_t default_cap) {
  // Chat formats wrap each message in a few tokens of their own (role, separators).
  constexpr std::int64_t kFramingPerMessage = 4;
  std::int64_t input = 0;
  for (const auto& message : request.messages) input += estimate_tokens(message.content) + kFramingPerMessage;
  const plugin::Usage usage{input, output_cap(request).value_or(default_cap), 0};
  try {
    const auto price = cost.price(model, usage);
    return price ? std::max<std::int64_t>(0, price->cost_nano_usd) : 0;
  } catch (const std::exception& e) {
    log().error("cost model threw", {{"model", model}, {"error", e.what()}});
    return 0;
  }
}

std::int64_t worst_case_cost(const RegistrySnapshot& plugins, const ProviderInstanceConfig& instance,
                             const std::string& model, const plugin::ChatRequest& request, std::int64_t default_cap) {
  auto cost = plugins.find(instance.cost_model);
  if (!cost || !cost->cost_model) return 0;
  return worst_case_cost(*cost->cost_model, model, request, default_cap);
}

storage::LedgerEntry priced_entry(const RegistrySnapshot& plugins, const ProviderInstanceConfig& instance,
                                  const plugin::ChatRequest& request, const std::string& model,
                                  const tl::expected<plugin::ChatResult, plugin::ProviderError>& result,
                                  double latency_ms, const UsageLabels& labels) {
  storage::LedgerEntry entry;
  entry.request_id = request.request_id;
  entry.transaction_guid = request.transaction_guid;
  entry.operation = labels.operation;
  entry.framework = labels.framework;
  entry.api_key_id = labels.api_key_id;
  entry.owner = labels.owner;
  entry.provider = instance.name;
  entry.model = result && !result->model.empty() ? result->model : model;
  entry.latency_ms = latency_ms;
  if (result) {
    entry.input_tokens = result->usage.input_tokens;
    entry.output_tokens = result->usage.output_tokens;
    entry.cached_tokens = result->usage.cached_tokens;
  } else {
    entry.status = result.error().code;
  }
  price_call(plugins, instance, entry);
  return entry;
}

}  // namespace switchboard
