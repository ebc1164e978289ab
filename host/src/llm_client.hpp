#pragma once
// The host's LLM client as frameworks see it. For now it serves in-process providers
// (mock) directly; the upstream transport, routing and resilience come with the provider
// issue and slot in behind the same interface.

#include <switchboard/config.hpp>
#include <switchboard/plugin/host_services.hpp>

namespace switchboard {

class PluginRegistry;

class HostLlmClient final : public plugin::LlmClient {
 public:
  explicit HostLlmClient(const Config& config) : config_(config) {}
  // The registry is made after the client (its plugins get the client), so it is attached.
  void attach(const PluginRegistry& registry) { registry_ = &registry; }

  tl::expected<plugin::ChatResult, plugin::LlmError> complete(const plugin::ChatRequest& request) override;
  tl::expected<plugin::ChatResult, plugin::LlmError> stream(const plugin::ChatRequest& request,
                                                            const plugin::ChunkCallback& on_chunk) override;

 private:
  tl::expected<plugin::ChatResult, plugin::LlmError> call(const plugin::ChatRequest& request,
                                                          const plugin::ChunkCallback* on_chunk);
  const Config& config_;
  const PluginRegistry* registry_ = nullptr;
};

}  // namespace switchboard
