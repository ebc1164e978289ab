#pragma once
// Prices one LLM call with the cost model of its provider instance, as the request's plugin
// snapshot has it. An unknown model (or no cost model) is priced 0 and marked unpriced, and
// logged once per instance and model, not per call.

#include <string>

#include <switchboard/config.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/storage/usage_ledger.hpp>

namespace switchboard {

// Fills `entry`'s cost, prices and `priced` from its tokens.
void price_call(const RegistrySnapshot& plugins, const ProviderInstanceConfig& instance, storage::LedgerEntry& entry);

// Roughly four characters per token, for upstreams that report no usage.
std::int64_t estimate_tokens(std::string_view text);

}  // namespace switchboard
