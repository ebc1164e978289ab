#pragma once
// The usage ledger entry of one LLM call, priced with the cost model of its provider instance
// as the request's plugin snapshot has it. An unknown model (or no cost model) is priced 0
// and marked unpriced, and logged once per instance and model, not per call.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <switchboard/config.hpp>
#include <switchboard/plugin/cost_model.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/storage/usage_ledger.hpp>

namespace switchboard {

class BudgetHold;

// What the usage ledger says a call was for.
struct UsageLabels {
  std::string operation = "chat_completion";
  std::string framework = "gateway";
  std::string api_key_id;
  std::string owner;  // owner_of the request (owner.hpp)
  // Not recorded: the W3C trace headers (traceparent, tracestate) every attempt of the call
  // sends upstream. They travel with the labels because both describe the call, not an attempt.
  plugin::HeaderList trace_headers = {};
  // The reservation the call's attempts are charged to (null: none is held).
  std::shared_ptr<BudgetHold> budget = nullptr;
};

// The priced entry of a call of `request` to `instance` that ended with `result`; `model` is
// the one asked for (the answer's own name wins when it has one).
storage::LedgerEntry priced_entry(const RegistrySnapshot& plugins, const ProviderInstanceConfig& instance,
                                  const plugin::ChatRequest& request, const std::string& model,
                                  const tl::expected<plugin::ChatResult, plugin::ProviderError>& result,
                                  double latency_ms, const UsageLabels& labels);

// Roughly four characters per token, for upstreams that report no usage.
std::int64_t estimate_tokens(std::string_view text);

// The output cap a request sets itself: `max_tokens`, else `max_completion_tokens` (kept in
// `extra`); nothing when it sets neither.
std::optional<std::int64_t> output_cap(const plugin::ChatRequest& request);

// The most a call of `request` should cost on `model`, reserved against a budget before it
// leaves: its prompt as input tokens (estimated, with a few for each message's framing) and
// its output cap (`default_cap` when it sets none) at `cost`'s price. 0 when `cost` does not
// know the model: such calls are priced 0 in the ledger too.
std::int64_t worst_case_cost(const plugin::CostModel& cost, const std::string& model,
                             const plugin::ChatRequest& request, std::int64_t default_cap);
// The same with the cost model of `instance`, as the request's plugin snapshot has it.
std::int64_t worst_case_cost(const RegistrySnapshot& plugins, const ProviderInstanceConfig& instance,
                             const std::string& model, const plugin::ChatRequest& request, std::int64_t default_cap);

}  // namespace switchboard
