#include "llm_client.hpp"

#include "call_pricing.hpp"
#include "provider_call.hpp"
#include "provider_router.hpp"

#include <chrono>
#include <cstdlib>
#include <future>

#include <switchboard/log.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/request_context.hpp>

namespace switchboard {
namespace {

using plugin::LlmError;

Logger& log() {
  static Logger logger("llm");
  return logger;
}

}  // namespace

tl::expected<plugin::ChatResult, LlmError> HostLlmClient::complete(const plugin::ChatRequest& request) {
  return call(request, nullptr);
}

tl::expected<plugin::ChatResult, LlmError> HostLlmClient::stream(const plugin::ChatRequest& request,
                                                                 const plugin::ChunkCallback& on_chunk) {
  return call(request, &on_chunk);
}

tl::expected<plugin::ChatResult, LlmError> HostLlmClient::call(const plugin::ChatRequest& request,
                                                               const plugin::ChunkCallback* on_chunk) {
  // A call made while serving a request uses that request's plugin versions.
  const RequestContext* context = current_request();
  SnapshotLease own;
  if (!context) {
    if (!registry_) return tl::unexpected(LlmError{"SERVICE_UNAVAILABLE", "no plugins are loaded", 503});
    own = registry_->lease();
  }
  const RegistrySnapshot& plugins = context ? *context->plugins : *own;

  std::string instance_name = config_.default_provider;
  if (request.extra.is_object() && request.extra.contains("provider") && request.extra["provider"].is_string()) {
    instance_name = request.extra["provider"].get<std::string>();
  }
  const ProviderInstanceConfig* instance = find_instance(config_, instance_name);
  if (!instance) {
    return tl::unexpected(LlmError{"INVALID_REQUEST", "unknown provider instance \"" + instance_name + "\"", 400});
  }
  PluginPtr provider = plugins.find(instance->plugin);
  if (!provider || !provider->provider) {
    return tl::unexpected(LlmError{
        "PROVIDER_UNAVAILABLE",
        "provider plugin \"" + instance->plugin + "\" of instance \"" + instance->name + "\" is not loaded", 503});
  }
  if (!provider->provider->in_process() && !router_) {
    return tl::unexpected(LlmError{"PROVIDER_UNAVAILABLE",
                                   "provider plugin \"" + instance->plugin + "\" needs the upstream HTTP client", 503});
  }

  plugin::ChatRequest effective = request;
  if (effective.model.empty()) effective.model = instance->model;
  if (effective.request_id.empty() && context) effective.request_id = context->request_id;
  if (effective.transaction_guid.empty() && context) effective.transaction_guid = context->transaction_guid;
  const auto endpoint = endpoint_for(*instance);
  UsageLabels labels;  // what the ledger records the call as
  labels.operation = context ? context->usage_operation : "request";
  labels.framework = context ? context->usage_framework : "";

  const auto started = std::chrono::steady_clock::now();
  tl::expected<plugin::ChatResult, plugin::ProviderError> result;
  try {
    if (provider->provider->in_process()) {
      result = on_chunk ? provider->provider->stream(effective, endpoint, *on_chunk)
                        : provider->provider->complete(effective, endpoint);
    } else {
      // The router (retries, breakers, fallback) and the upstream thread do the work; this
      // worker waits for the outcome.
      std::promise<ProviderOutcome> promise;
      auto future = promise.get_future();
      auto snapshot = context ? context->plugins.shared() : own.shared();
      auto targets = router_->plan(instance->name + "/" + effective.model, effective, *snapshot);
      router_->call(
          snapshot, std::move(targets), effective,
          on_chunk ? ProviderCaller::OnChunk(*on_chunk) : ProviderCaller::OnChunk(), nullptr,
          [&promise](ProviderRouter::Done done) { promise.set_value(std::move(done.outcome)); }, labels);
      result = future.get().result;
    }
  } catch (const std::exception& e) {
    log().error("provider threw", {{"provider", instance->name}, {"error", e.what()}});
    return tl::unexpected(LlmError{"LLM_PROVIDER_ERROR", "provider \"" + instance->name + "\" failed", 502});
  } catch (...) {
    return tl::unexpected(LlmError{"LLM_PROVIDER_ERROR", "provider \"" + instance->name + "\" failed", 502});
  }
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const auto entry = priced_entry(plugins, *instance, effective, effective.model, result, latency_ms, labels);
  if (provider->provider->in_process() && usage_sink_) usage_sink_(entry);  // the router records its own calls
  if (!result) {
    const auto& error = result.error();
    log().warn("provider call failed",
               {{"provider", instance->name}, {"code", error.code}, {"message", error.message}});
    return tl::unexpected(LlmError{"LLM_PROVIDER_ERROR", "provider \"" + instance->name + "\": " + error.message,
                                   error.retryable ? 503 : 502});
  }
  result->provider = instance->name;

  if (context && context->llm_calls) {
    context->llm_calls->push_back({instance->name, entry.model, result->usage, entry.cost_nanousd, latency_ms});
  }
  return std::move(*result);
}

}  // namespace switchboard
