#include "provider_call.hpp"

#include <atomic>
#include <cstdlib>

#include <switchboard/sdk/stream_parsers.hpp>
#include <switchboard/worker_pool.hpp>

namespace switchboard {
namespace {

using plugin::provider_error;
using plugin::ProviderError;

ProviderError transport_error(const UpstreamResult& result) {
  // Transport failures are worth trying again (elsewhere), except our own cancellation.
  const bool retryable = result.failure != UpstreamFailure::cancelled;
  return provider_error(to_string(result.failure), "upstream " + result.message, result.status, retryable);
}

// Everything one HTTP call accumulates on the upstream thread.
struct HttpCall {
  PluginPtr provider;
  plugin::ChatRequest request;
  ProviderCaller::OnChunk on_chunk;
  ProviderCaller::OnDone on_done;
  int status = 0;
  plugin::HeaderList headers;
  std::string body;  // whole responses, and error bodies of streams
  std::unique_ptr<plugin::StreamDecoder> decoder;
  sdk::SseParser sse;
  sdk::NdjsonParser ndjson;
  plugin::ChatResult streamed;
  std::optional<ProviderError> stream_error;
  bool stopped = false;  // on_chunk said stop

  bool streaming_ok() const { return on_chunk && status >= 200 && status < 300 && decoder; }

  void event(plugin::StreamEvent&& event) {
    if (stream_error || stopped) return;
    tl::expected<std::vector<plugin::ChatChunk>, ProviderError> chunks;
    try {
      chunks = decoder->on_event(event);
    } catch (const std::exception& e) {
      chunks = tl::unexpected(provider_error("bad_response", std::string("decoder failed: ") + e.what(), 0, true));
    }
    if (!chunks) {
      stream_error = chunks.error();
      return;
    }
    for (auto& chunk : *chunks) {
      streamed.content += chunk.delta;
      if (chunk.finish_reason) streamed.finish_reason = *chunk.finish_reason;
      if (chunk.usage) streamed.usage = *chunk.usage;
      if (!on_chunk(chunk)) {
        stopped = true;
        return;
      }
    }
  }

  bool data(std::string_view bytes) {
    if (!streaming_ok()) {
      if (body.size() + bytes.size() > 64 * 1024 * 1024) return false;  // a runaway upstream
      body.append(bytes);
      return true;
    }
    auto sink = [this](plugin::StreamEvent&& e) { event(std::move(e)); };
    const bool parsed = provider->provider->stream_framing() == plugin::StreamFraming::ndjson ? ndjson.feed(bytes, sink)
                                                                                              : sse.feed(bytes, sink);
    if (!parsed && !stream_error) stream_error = provider_error("bad_response", "stream event too large", 0, true);
    return !stream_error && !stopped;
  }

  ProviderOutcome finish(const UpstreamResult& result) {
    ProviderOutcome outcome{tl::unexpected(provider_error("upstream_error", "no response")), result.elapsed_ms};
    if (stream_error) {
      outcome.result = tl::unexpected(*stream_error);
      return outcome;
    }
    if (result.failure != UpstreamFailure::none && !(stopped && result.failure == UpstreamFailure::cancelled)) {
      outcome.result = tl::unexpected(transport_error(result));
      return outcome;
    }
    const plugin::UpstreamResponse response{status, headers, body};
    if (status < 200 || status >= 300) {
      try {
        outcome.result = tl::unexpected(provider->provider->classify(response));
      } catch (const std::exception& e) {  // a plugin's bug must not take the upstream thread down
        outcome.result = tl::unexpected(
            provider_error("upstream_error", "HTTP " + std::to_string(status) + " (classifier failed)", status, true));
      }
      return outcome;
    }
    if (on_chunk) {
      auto sink = [this](plugin::StreamEvent&& e) { event(std::move(e)); };
      if (provider->provider->stream_framing() == plugin::StreamFraming::ndjson)
        ndjson.finish(sink);
      else
        sse.finish(sink);
      if (stream_error) {
        outcome.result = tl::unexpected(*stream_error);
        return outcome;
      }
      if (!decoder->finished() && !stopped) {
        outcome.result = tl::unexpected(provider_error("connection_reset", "stream ended early", status, true));
        return outcome;
      }
      streamed.model = streamed.model.empty() ? request.model : streamed.model;
      outcome.result = std::move(streamed);
      return outcome;
    }
    try {
      outcome.result = provider->provider->decode(response);
    } catch (const std::exception& e) {
      outcome.result =
          tl::unexpected(provider_error("bad_response", std::string("decoder failed: ") + e.what(), 0, true));
    }
    return outcome;
  }
};

}  // namespace

const ProviderInstanceConfig* find_instance(const Config& config, std::string_view name) {
  for (const auto& instance : config.providers) {
    if (instance.name == name) return &instance;
  }
  return nullptr;
}

plugin::ProviderEndpoint endpoint_for(const ProviderInstanceConfig& instance) {
  plugin::ProviderEndpoint endpoint;
  endpoint.instance = instance.name;
  endpoint.base_url = instance.base_url;
  endpoint.model = instance.model;
  endpoint.options = instance.options;
  for (const auto& [name, value] : instance.headers) endpoint.headers.emplace_back(name, value);
  if (!instance.api_key_env.empty()) {
    if (const char* key = std::getenv(instance.api_key_env.c_str())) endpoint.api_key = key;
  }
  return endpoint;
}

UpstreamTimeouts timeouts_for(const ProviderInstanceConfig& instance) {
  UpstreamTimeouts timeouts;
  auto read = [&](const char* key, std::chrono::milliseconds& out) {
    if (instance.timeouts.contains(key) && instance.timeouts[key].is_number_integer()) {
      out = std::chrono::milliseconds(instance.timeouts[key].get<long long>());
    }
  };
  read("connect_ms", timeouts.connect);
  read("first_byte_ms", timeouts.first_byte);
  read("idle_ms", timeouts.idle);
  read("total_ms", timeouts.total);
  return timeouts;
}

std::function<void()> ProviderCaller::call(PluginPtr provider, plugin::ChatRequest request,
                                           plugin::ProviderEndpoint endpoint, const UpstreamTimeouts& timeouts,
                                           OnChunk on_chunk, OnDone on_done, const plugin::HeaderList& trace_headers) {
  if (provider->provider->in_process()) {
    auto stop = std::make_shared<std::atomic<bool>>(false);
    const bool queued = workers_.try_submit([provider, request = std::move(request), endpoint = std::move(endpoint),
                                             on_chunk = std::move(on_chunk), on_done, stop]() mutable {
      const auto started = std::chrono::steady_clock::now();
      ProviderOutcome outcome{tl::unexpected(provider_error("upstream_error", "no response")), 0.0};
      try {
        outcome.result = on_chunk ? provider->provider->stream(request, endpoint,
                                                               [&](const plugin::ChatChunk& chunk) {
                                                                 return !stop->load() && on_chunk(chunk);
                                                               })
                                  : provider->provider->complete(request, endpoint);
      } catch (const std::exception& e) {
        outcome.result = tl::unexpected(provider_error("provider_failed", e.what(), 0, true));
      }
      outcome.upstream_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      on_done(std::move(outcome));
    });
    if (!queued) on_done({tl::unexpected(provider_error("overloaded", "all workers are busy", 503, true)), 0.0});
    return [stop] { *stop = true; };
  }

  request.stream = static_cast<bool>(on_chunk);
  tl::expected<plugin::UpstreamRequest, ProviderError> encoded;
  try {
    encoded = provider->provider->encode(request, endpoint);
  } catch (const std::exception& e) {
    encoded = tl::unexpected(provider_error("bad_request", std::string("encoder failed: ") + e.what()));
  }
  if (!encoded) {
    on_done({tl::unexpected(encoded.error()), 0.0});
    return [] {};
  }
  // Upstream calls carry the client's request id.
  if (!request.request_id.empty() && !plugin::find_header(encoded->headers, "X-Request-ID")) {
    encoded->headers.emplace_back("X-Request-ID", request.request_id);
  }
  for (const auto& [name, value] : trace_headers) {
    if (!plugin::find_header(encoded->headers, name)) encoded->headers.emplace_back(name, value);
  }
  auto call = std::make_shared<HttpCall>();
  call->provider = provider;
  call->on_chunk = std::move(on_chunk);
  call->on_done = std::move(on_done);
  if (call->on_chunk) call->decoder = provider->provider->stream_decoder(request);
  call->request = std::move(request);
  UpstreamCallbacks callbacks;
  callbacks.on_head = [call](int status, const plugin::HeaderList& headers) {
    call->status = status;
    call->headers = headers;
  };
  callbacks.on_data = [call](std::string_view bytes) { return call->data(bytes); };
  callbacks.on_done = [call](const UpstreamResult& result) {
    auto outcome = call->finish(result);
    auto done = std::move(call->on_done);
    call->on_chunk = nullptr;
    done(std::move(outcome));
  };
  auto transfer = upstream_.start(std::move(*encoded), timeouts, std::move(callbacks));
  std::weak_ptr<UpstreamTransfer> weak = transfer;
  return [weak] {
    if (auto t = weak.lock()) t->cancel();
  };
}

}  // namespace switchboard
