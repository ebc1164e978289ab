#pragma once
// The host's LLM client as frameworks see it: in-process providers (mock) run on the
// calling worker thread; HTTP providers go through the upstream client, the worker waiting
// on the result. Routing and resilience slot in behind the same interface.

#include <switchboard/config.hpp>
#include <switchboard/plugin/host_services.hpp>
#include <switchboard/storage/usage_ledger.hpp>

namespace switchboard {

class LlmCallGate;
class PluginRegistry;
class ProviderRouter;
class ResponseCache;

class HostLlmClient final : public plugin::LlmClient {
 public:
  explicit HostLlmClient(const Config& config) : config_(config) {}
  // The registry is made after the client (its plugins get the client), so it is attached.
  void attach(const PluginRegistry& registry) { registry_ = &registry; }
  void attach_router(ProviderRouter& router) { router_ = &router; }
  void attach_gate(const LlmCallGate& gate) { gate_ = &gate; }
  void attach_cache(ResponseCache& cache) { cache_ = &cache; }
  // Where each call's ledger entry goes; unset: nowhere.
  void set_usage_sink(std::function<void(storage::LedgerEntry)> sink) { usage_sink_ = std::move(sink); }

  tl::expected<plugin::ChatResult, plugin::LlmError> complete(const plugin::ChatRequest& request) override;
  tl::expected<plugin::ChatResult, plugin::LlmError> stream(const plugin::ChatRequest& request,
                                                            const plugin::ChunkCallback& on_chunk) override;

 private:
  tl::expected<plugin::ChatResult, plugin::LlmError> call(const plugin::ChatRequest& request,
                                                          const plugin::ChunkCallback* on_chunk);
  const Config& config_;
  const PluginRegistry* registry_ = nullptr;
  ProviderRouter* router_ = nullptr;
  const LlmCallGate* gate_ = nullptr;
  ResponseCache* cache_ = nullptr;  // unset: cache.enabled is false
  std::function<void(storage::LedgerEntry)> usage_sink_;
};

}  // namespace switchboard
