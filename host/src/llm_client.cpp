#include "llm_client.hpp"

#include "budget_guard.hpp"
#include "cache/response_cache.hpp"
#include "call_pricing.hpp"
#include "llm_call_gate.hpp"
#include "provider_call.hpp"
#include "provider_router.hpp"

#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>

#include <switchboard/log.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/request_context.hpp>

namespace switchboard {
namespace {

using plugin::LlmError;

Logger& log() {
  static Logger logger("llm");
  return logger;
}

// `extra.timeout_ms` (plugin-api 1.1): taken out of the request, never sent to a provider.
std::optional<std::chrono::milliseconds> take_timeout(nlohmann::json& extra) {
  if (!extra.is_object()) return std::nullopt;
  const auto found = extra.find("timeout_ms");
  if (found == extra.end()) return std::nullopt;
  std::optional<std::chrono::milliseconds> timeout;
  if (found->is_number_integer() && found->get<std::int64_t>() > 0) {
    timeout = std::chrono::milliseconds(std::min<std::int64_t>(found->get<std::int64_t>(), 3'600'000));
  }
  extra.erase(found);
  return timeout;
}

LlmError timed_out(const ProviderInstanceConfig& instance, std::chrono::milliseconds timeout) {
  return LlmError{"TIMEOUT",
                  "provider \"" + instance.name + "\" did not answer within " + std::to_string(timeout.count()) + " ms",
                  504};
}

}  // namespace

tl::expected<plugin::ChatResult, LlmError> HostLlmClient::complete(const plugin::ChatRequest& request) {
  const RequestContext* context = current_request();
  if (context && context->on_answer_text) {
    const plugin::ChunkCallback forward = [context](const plugin::ChatChunk& chunk) {
      if (!chunk.delta.empty()) context->on_answer_text(chunk.delta);
      return true;
    };
    return call(request, &forward);
  }
  return call(request, nullptr);
}

tl::expected<plugin::ChatResult, LlmError> HostLlmClient::stream(const plugin::ChatRequest& request,
                                                                 const plugin::ChunkCallback& on_chunk) {
  return call(request, &on_chunk);
}

tl::expected<plugin::ChatResult, LlmError> HostLlmClient::call(const plugin::ChatRequest& request,
                                                               const plugin::ChunkCallback* on_chunk) {
  ResponseCache::set_last_call_cached(false);
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

  auto admitted =
      gate_ ? gate_->admit(context, request) : tl::expected<GatedCall, plugin::MiddlewareReply>(GatedCall{request, {}});
  if (!admitted) {
    auto& refusal = admitted.error();
    return tl::unexpected(LlmError{refusal.code, refusal.message, refusal.status, refusal.details});
  }
  GatedCall gated = std::move(*admitted);
  plugin::ChatRequest& effective = gated.request;
  if (effective.model.empty()) effective.model = instance->model;
  if (effective.request_id.empty() && context) effective.request_id = context->request_id;
  if (effective.transaction_guid.empty() && context) effective.transaction_guid = context->transaction_guid;
  const auto timeout = take_timeout(effective.extra);
  const auto endpoint = endpoint_for(*instance);
  // Where the call may go: the router's plan over HTTP providers (fallbacks included), else
  // the in-process instance itself. Its dearest is what the principal's budget holds.
  auto snapshot = context ? context->plugins.shared() : own.shared();
  std::vector<ProviderRouter::Target> targets;
  if (provider->provider->in_process()) {
    targets.push_back({instance, effective.model});
  } else {
    targets = router_->plan(instance->name + "/" + effective.model, effective, *snapshot);
  }
  auto held =
      gate_ ? gate_->hold(context, effective, worst_case_cost(targets, effective, plugins, gate_->default_max_tokens()))
            : tl::expected<std::shared_ptr<BudgetHold>, plugin::MiddlewareReply>(nullptr);
  if (!held) {
    auto& refusal = held.error();
    return tl::unexpected(LlmError{refusal.code, refusal.message, refusal.status, refusal.details});
  }
  UsageLabels labels;  // what the ledger records the call as
  labels.operation = context ? context->usage_operation : "request";
  labels.framework = context ? context->usage_framework : "";
  labels.api_key_id = billed_key(context);
  labels.owner = context ? owner_of(*context) : "";
  if (context) labels.trace_headers = context->trace.upstream_headers();
  labels.budget = std::move(*held);
  // An in-process call is priced here, after the ledger has it (the router does its own).
  auto record_in_process = [&](const storage::LedgerEntry& entry) {
    if (usage_sink_) usage_sink_(entry);
    if (labels.budget) labels.budget->charge(entry.cost_nanousd);
  };

  // Answer filters see streamed text piece by piece; what they hold back is released with
  // the finishing chunk, or as a chunk of its own when the stream ends without one.
  plugin::ChunkCallback filtered_chunk;
  std::string filtered_text;
  bool filters_ended = false;
  if (on_chunk && !gated.answer.empty()) {
    filtered_chunk = [&, inner = on_chunk](const plugin::ChatChunk& chunk) {
      plugin::ChatChunk out = chunk;
      out.delta = gated.answer.on_text(chunk.delta);
      if (chunk.finish_reason && !filters_ended) {
        filters_ended = true;
        out.delta += gated.answer.on_end();
      }
      filtered_text += out.delta;
      return (*inner)(out);
    };
    on_chunk = &filtered_chunk;
  }

  const auto started = std::chrono::steady_clock::now();
  tl::expected<plugin::ChatResult, plugin::ProviderError> result;
  // The cache sees the call as it leaves (after middleware rewrote it) and keeps the answer as
  // the provider gave it: answer filters run on a cached answer as on a fresh one.
  std::string cache_name;
  std::optional<CachedAnswer> cached;
  if (cache_ && !(context && context->cache_bypass)) {
    cache_name = cache_->name_of(instance->name, labels.owner, effective);
    cached = cache_->find(cache_name);
  }
  try {
    if (cached) {
      result = cached->result;
      if (on_chunk) {
        // Whole, as one piece and the finish.
        if ((*on_chunk)(plugin::ChatChunk{cached->result.content, std::nullopt, std::nullopt})) {
          (*on_chunk)(plugin::ChatChunk{"", cached->result.finish_reason, cached->result.usage});
        }
      }
    } else if (provider->provider->in_process()) {
      result = on_chunk ? provider->provider->stream(effective, endpoint, *on_chunk)
                        : provider->provider->complete(effective, endpoint);
    } else {
      // The router (retries, breakers, fallback) and the upstream thread do the work; this
      // worker waits for the outcome, or gives up at the timeout. What the upstream thread
      // touches is shared, and chunks stop reaching the caller once it has given up.
      struct Waiting {
        std::promise<ProviderOutcome> promise;
        std::mutex chunk_mutex;
        bool abandoned = false;
      };
      auto waiting = std::make_shared<Waiting>();
      auto future = waiting->promise.get_future();
      ProviderCaller::OnChunk chunk_callback;
      if (on_chunk) {
        chunk_callback = [waiting, on_chunk](const plugin::ChatChunk& chunk) {
          std::lock_guard lock(waiting->chunk_mutex);
          return !waiting->abandoned && (*on_chunk)(chunk);
        };
      }
      auto cancel = router_->call(
          snapshot, std::move(targets), effective, std::move(chunk_callback), nullptr,
          [waiting](ProviderRouter::Done done) { waiting->promise.set_value(std::move(done.outcome)); }, labels);
      if (timeout && future.wait_for(*timeout) != std::future_status::ready) {
        {
          std::lock_guard lock(waiting->chunk_mutex);
          waiting->abandoned = true;
        }
        if (cancel) cancel();
        return tl::unexpected(timed_out(*instance, *timeout));
      }
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
  if (provider->provider->in_process() && timeout && latency_ms > static_cast<double>(timeout->count())) {
    // An in-process provider runs on this thread and cannot be cut short: its answer came
    // too late and is dropped.
    record_in_process(priced_entry(plugins, *instance, effective, effective.model, result, latency_ms, labels));
    return tl::unexpected(timed_out(*instance, *timeout));
  }
  auto entry = priced_entry(plugins, *instance, effective, effective.model, result, latency_ms, labels);
  if (cached) {
    // No provider was called: the ledger shows the call at no cost, with what it avoided.
    entry.input_tokens = entry.output_tokens = entry.cached_tokens = 0;
    entry.cost_nanousd = 0;
    entry.cache_hit = true;
    entry.avoided_cost_nanousd = cached->cost_nanousd;
    if (usage_sink_) usage_sink_(entry);
    ResponseCache::set_last_call_cached(true);
  } else if (provider->provider->in_process()) {
    record_in_process(entry);  // the router records its own calls
  }
  if (result && !cached && !cache_name.empty() && !result->content.empty() && result->finish_reason != "error") {
    cache_->store(cache_name, {*result, entry.cost_nanousd},
                  context && context->cache_ttl ? *context->cache_ttl : cache_->default_ttl());
  }
  if (!result) {
    const auto& error = result.error();
    log().warn("provider call failed",
               {{"provider", instance->name}, {"code", error.code}, {"message", error.message}});
    return tl::unexpected(LlmError{"LLM_PROVIDER_ERROR", "provider \"" + instance->name + "\": " + error.message,
                                   error.retryable ? 503 : 502});
  }
  result->provider = instance->name;
  if (!gated.answer.empty()) {
    if (on_chunk) {
      if (!filters_ended) {
        filters_ended = true;
        plugin::ChatChunk tail;
        tail.delta = gated.answer.on_end();
        filtered_text += tail.delta;
        if (!tail.delta.empty()) (*on_chunk)(tail);
      }
      result->content = filtered_text;
    } else {
      result->content = gated.answer.on_text(result->content) + gated.answer.on_end();
    }
  }

  if (context && context->llm_calls) {
    // Parallel pieces of one request (ParallelRunner) record into the same list.
    static std::mutex records_mutex;
    std::lock_guard lock(records_mutex);
    context->llm_calls->push_back({instance->name, entry.model, result->usage, entry.cost_nanousd, latency_ms});
  }
  return std::move(*result);
}

}  // namespace switchboard
