#pragma once
// One call to one provider instance: the provider plugin's codec over the host's upstream
// client for HTTP providers, the worker pool for in-process ones. Callbacks run on the
// upstream thread (or a worker); nothing blocks.

#include <functional>

#include <tl/expected.hpp>

#include <switchboard/config.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/upstream_client.hpp>

namespace switchboard {

class WorkerPool;

// The endpoint a codec sees for an instance (its key read from the environment).
plugin::ProviderEndpoint endpoint_for(const ProviderInstanceConfig& instance);
UpstreamTimeouts timeouts_for(const ProviderInstanceConfig& instance);
const ProviderInstanceConfig* find_instance(const Config& config, std::string_view name);

struct ProviderOutcome {
  tl::expected<plugin::ChatResult, plugin::ProviderError> result;
  double upstream_ms = 0.0;  // time spent waiting on the provider
};

class ProviderCaller {
 public:
  ProviderCaller(UpstreamClient& upstream, WorkerPool& workers) : upstream_(upstream), workers_(workers) {}

  using OnChunk = std::function<bool(const plugin::ChatChunk&)>;  // false: stop
  using OnDone = std::function<void(ProviderOutcome)>;

  // Starts the call; `on_chunk` null asks for a whole completion. Returns a function that
  // cancels it (safe from any thread, and after it ended). `on_done` runs exactly once.
  // `trace_headers` go upstream unless the provider's codec set them itself.
  std::function<void()> call(PluginPtr provider, plugin::ChatRequest request, plugin::ProviderEndpoint endpoint,
                             const UpstreamTimeouts& timeouts, OnChunk on_chunk, OnDone on_done,
                             const plugin::HeaderList& trace_headers = {});

 private:
  UpstreamClient& upstream_;
  WorkerPool& workers_;
};

}  // namespace switchboard
