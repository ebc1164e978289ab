// The OpenAI-compatible gateway: POST /v1/chat/completions (whole or streamed as SSE) and
// GET /v1/models. Fully asynchronous: the handler starts the provider call and returns;
// the answer is written as upstream events arrive, by the connection's reactor.
#include <algorithm>
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/reply.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/request_id.hpp>

#include "../cache/response_cache.hpp"
#include "../call_pricing.hpp"
#include "../llm_call_gate.hpp"
#include "../provider_call.hpp"
#include "../provider_router.hpp"
#include "chat_request.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

Logger& log() {
  static Logger logger("gateway");
  return logger;
}

std::int64_t epoch_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

json usage_json(const plugin::Usage& usage) {
  json out = {{"prompt_tokens", usage.input_tokens},
              {"completion_tokens", usage.output_tokens},
              {"total_tokens", usage.total_tokens()}};
  if (usage.cached_tokens > 0) out["prompt_tokens_details"] = {{"cached_tokens", usage.cached_tokens}};
  return out;
}

int status_for(const plugin::ProviderError& error) {
  if (error.code == "rate_limited") return 429;
  if (error.code == "bad_request" || error.code == "context_length_exceeded") return 400;
  if (error.code == "overloaded") return 503;
  if (error.code.find("timeout") != std::string::npos) return 504;
  return 502;
}

// The answer when every attempt failed before a byte was sent (whole or streamed requests).
HttpResponse provider_error_response(const ProviderRouter::Done& done, const std::string& request_id) {
  const auto& error = done.outcome.result.error();
  log().warn(
      "provider call failed",
      {{"provider", done.instance}, {"code", error.code}, {"message", error.message}, {"attempts", done.attempts}});
  auto response = error_response(status_for(error), "LLM_PROVIDER_ERROR",
                                 "provider \"" + done.instance + "\": " + error.message, request_id);
  response.set_header("X-Switchboard-Provider", done.instance);
  response.set_header("X-Switchboard-Attempts", std::to_string(done.attempts));
  if (error.retry_after)
    response.set_header("Retry-After", std::to_string(std::max<long long>(1, error.retry_after->count() / 1000)));
  return response;
}

// One streamed completion: chunks become chat.completion.chunk events as they arrive.
struct StreamState {
  std::shared_ptr<Reply> reply;
  std::string id;
  std::string model;
  std::string instance;
  std::int64_t created = 0;
  Clock::time_point started;
  bool begun = false;
  std::string content_prefix;  // the event before the content string, and after it
  std::string content_suffix;

  json chunk(json delta, json finish = nullptr) const {
    return {
        {"id", id},
        {"object", "chat.completion.chunk"},
        {"created", created},
        {"model", model},
        {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}})}};
  }
  bool send(const json& event) {
    return reply->write("data: " + event.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n");
  }
  // A content delta, the event sent most: the fixed part is serialized once per stream.
  bool send_content(const std::string& delta) {
    if (content_prefix.empty()) {
      const std::string marker = "\x01";
      content_prefix = "data: " + chunk({{"content", marker}}).dump(-1, ' ', false, json::error_handler_t::replace);
      const auto at = content_prefix.find("\"\\u0001\"");
      content_suffix = content_prefix.substr(at + 8) + "\n\n";
      content_prefix.resize(at);
    }
    return reply->write(content_prefix + json(delta).dump(-1, ' ', false, json::error_handler_t::replace) +
                        content_suffix);
  }
  void begin() {
    if (begun) return;
    begun = true;
    const double overhead = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    reply->start_stream(200, {{"Content-Type", "text/event-stream"},
                              {"Cache-Control", "no-cache"},
                              {"X-Accel-Buffering", "no"},
                              {"X-Switchboard-Provider", instance},
                              {"X-Switchboard-Overhead-Ms", std::to_string(overhead)}});
    send(chunk({{"role", "assistant"}, {"content", ""}}));
  }
};

// The request's record of its upstream call, before it is answered: the host's metrics take
// the request's time minus this as the gateway's overhead. (Its cost is in the ledger.)
void note_upstream_time(std::vector<LlmCallRecord>* calls, const ProviderRouter::Done& done) {
  if (!calls) return;
  const auto& outcome = done.outcome;
  calls->push_back(
      {done.instance, done.model, outcome.result ? outcome.result->usage : plugin::Usage{}, 0, outcome.upstream_ms});
}

// A whole chat.completion.
HttpResponse completion_response(const plugin::ChatResult& result, const std::string& model) {
  return json_response(
      200,
      {{"id", result.id.empty() ? "chatcmpl-" + new_uuid() : result.id},
       {"object", "chat.completion"},
       {"created", epoch_seconds()},
       {"model", result.model.empty() ? model : result.model},
       {"choices", json::array({{{"index", 0},
                                 {"message", {{"role", "assistant"}, {"content", result.content}}},
                                 {"finish_reason", result.finish_reason.empty() ? "stop" : result.finish_reason}}})},
       {"usage", usage_json(result.usage)}});
}

// A request the response cache answered: whole, or streamed as one piece; the ledger records
// it at no cost with what it avoided.
void answer_from_cache(App& app, const RequestContext& context, const ProviderRouter::Target& target,
                       const plugin::ChatRequest& call, CachedAnswer cached, GatedCall& gated,
                       const UsageLabels& labels, Clock::time_point started, const std::shared_ptr<Reply>& reply) {
  auto result = cached.result;
  if (!gated.answer.empty()) result.content = gated.answer.on_text(result.content) + gated.answer.on_end();
  auto entry = priced_entry(*context.plugins, *target.instance, call, target.model,
                            tl::expected<plugin::ChatResult, plugin::ProviderError>(cached.result), 0.0, labels);
  entry.input_tokens = entry.output_tokens = entry.cached_tokens = 0;
  entry.cost_nanousd = 0;
  entry.cache_hit = true;
  entry.avoided_cost_nanousd = cached.cost_nanousd;
  entry.request_id = context.request_id;
  entry.transaction_guid = context.transaction_guid;
  app.record_usage(entry);
  const std::string overhead =
      std::to_string(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
  if (!call.stream) {
    auto response = completion_response(result, target.model);
    response.set_header("X-Switchboard-Provider", target.instance->name);
    response.set_header("X-Switchboard-Attempts", "0");
    response.set_header("X-Switchboard-Cache", "hit");
    response.set_header("X-Switchboard-Overhead-Ms", overhead);
    return reply->send(std::move(response));
  }
  StreamState state;
  state.reply = reply;
  state.id = result.id.empty() ? "chatcmpl-" + new_uuid() : result.id;
  state.model = result.model.empty() ? target.model : result.model;
  state.instance = target.instance->name;
  state.created = epoch_seconds();
  state.started = started;
  state.begin();
  if (!result.content.empty()) state.send_content(result.content);
  json last = state.chunk(json::object(), result.finish_reason.empty() ? "stop" : result.finish_reason);
  last["usage"] = usage_json(result.usage);
  state.send(last);
  reply->write("data: [DONE]\n\n");
  reply->end_stream();
}

void add_model_routes(Router& router, App& app) {
  router.add("GET", "/v1/models", [&app](const RequestContext&, const PathParams&) {
    json data = json::array();
    for (const auto& instance : app.config().providers) {
      std::vector<std::string> models = instance.models;
      if (!instance.model.empty() && std::find(models.begin(), models.end(), instance.model) == models.end())
        models.insert(models.begin(), instance.model);
      for (const auto& model : models) {
        data.push_back(
            {{"id", instance.name + "/" + model}, {"object", "model"}, {"created", 0}, {"owned_by", instance.name}});
      }
    }
    return json_response(200, {{"object", "list"}, {"data", data}});
  });
}

}  // namespace

void add_gateway_routes(Router& router, App& app) {
  add_model_routes(router, app);
  router.add_async(
      "POST", "/v1/chat/completions",
      [&app](const RequestContext& context, const PathParams&, std::shared_ptr<Reply> reply) {
        const auto started = Clock::now();
        auto body = json_object_body(context);
        if (!body) return reply->send(body.error());
        auto request = parse_chat_request(*body);
        if (!request) return reply->send(error_response(400, "INVALID_REQUEST", request.error(), context.request_id));
        request->request_id = context.request_id;
        request->transaction_guid = context.transaction_guid;
        auto admitted = app.llm_gate().admit(&context, std::move(*request));
        if (!admitted) return reply->send(refusal_response(admitted.error(), context.request_id));
        auto gated = std::make_shared<GatedCall>(std::move(*admitted));
        const plugin::ChatRequest& call = gated->request;
        auto snapshot = context.plugins.shared();
        auto targets = app.provider_router().plan(call.model, call, *snapshot);
        if (targets.empty()) {
          return reply->send(
              error_response(400, "INVALID_REQUEST", "no provider instance for this model", context.request_id));
        }
        const auto& gate = app.llm_gate();
        auto held =
            gate.hold(&context, gated->request, worst_case_cost(targets, call, *snapshot, gate.default_max_tokens()));
        if (!held) return reply->send(refusal_response(held.error(), context.request_id));
        UsageLabels labels;
        labels.api_key_id = billed_key(&context);
        labels.owner = owner_of(context);
        labels.trace_headers = context.trace.upstream_headers();
        labels.budget = std::move(*held);
        const std::string request_id = context.request_id;

        // The response cache, named for the first target as the LLM client names its calls.
        // Whole answers are kept; a streamed request may be answered from one.
        std::string cache_name;
        if (app.config().cache.enabled && !context.cache_bypass) {
          plugin::ChatRequest keyed = call;
          keyed.model = targets.front().model;
          cache_name = app.response_cache().name_of(targets.front().instance->name, labels.owner, keyed);
          if (auto cached = app.response_cache().find(cache_name)) {
            return answer_from_cache(app, context, targets.front(), call, std::move(*cached), *gated, labels, started,
                                     reply);
          }
        }

        if (!call.stream) {
          auto cancel = app.provider_router().call(
              snapshot, std::move(targets), call, nullptr, nullptr,
              [&app, reply, started, request_id, gated, cache_name, snapshot, labels,
               calls = context.llm_calls](ProviderRouter::Done done) {
                auto& outcome = done.outcome;
                note_upstream_time(calls, done);
                if (!outcome.result) return reply->send(provider_error_response(done, request_id));
                auto& result = *outcome.result;
                const auto* instance = find_instance(app.config(), done.instance);
                if (!cache_name.empty() && instance && !result.content.empty()) {
                  const auto priced =
                      priced_entry(*snapshot, *instance, gated->request, done.model, outcome.result, 0.0, labels);
                  app.response_cache().store(cache_name, {result, priced.cost_nanousd},
                                             app.response_cache().default_ttl());
                }
                if (!gated->answer.empty())
                  result.content = gated->answer.on_text(result.content) + gated->answer.on_end();
                const double total = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
                auto response = completion_response(result, done.model);
                response.set_header("X-Switchboard-Provider", done.instance);
                response.set_header("X-Switchboard-Attempts", std::to_string(done.attempts));
                response.set_header("X-Switchboard-Overhead-Ms",
                                    std::to_string(std::max(0.0, total - outcome.upstream_ms)));
                reply->send(std::move(response));
              },
              labels);
          reply->on_cancel(cancel);
          return;
        }

        auto state = std::make_shared<StreamState>();
        state->reply = reply;
        state->id = "chatcmpl-" + new_uuid();
        state->created = epoch_seconds();
        state->started = started;
        auto cancel = app.provider_router().call(
            snapshot, std::move(targets), call,
            [state, gated](const plugin::ChatChunk& chunk) {
              state->begin();
              if (chunk.delta.empty()) return !state->reply->cancelled();
              if (gated->answer.empty()) return state->send_content(chunk.delta);
              const std::string delta = gated->answer.on_text(chunk.delta);
              return delta.empty() ? !state->reply->cancelled() : state->send_content(delta);
            },
            [state](const std::string& instance, const std::string& model) {
              state->instance = instance;  // each attempt, until the stream begins
              state->model = model;
            },
            [state, request_id, gated, calls = context.llm_calls](ProviderRouter::Done done) {
              auto& outcome = done.outcome;
              note_upstream_time(calls, done);
              if (!outcome.result && !state->begun)
                return state->reply->send(provider_error_response(done, request_id));
              state->begin();
              if (!gated->answer.empty()) {
                if (const std::string tail = gated->answer.on_end(); !tail.empty()) state->send_content(tail);
              }
              if (!outcome.result) {
                // Mid-stream failure: an error event, then the end marker, so clients stop cleanly.
                const auto& error = outcome.result.error();
                state->send({{"error",
                              {{"code", "LLM_PROVIDER_ERROR"},
                               {"message", "provider \"" + state->instance + "\": " + error.message},
                               {"request_id", request_id}}}});
              } else {
                // Usage as the upstream reported it, or counted by the router when it did not.
                const auto& result = *outcome.result;
                json last = state->chunk(json::object(), result.finish_reason.empty() ? "stop" : result.finish_reason);
                last["usage"] = usage_json(result.usage);
                state->send(last);
              }
              state->reply->write("data: [DONE]\n\n");
              state->reply->end_stream();
            },
            labels);
        reply->on_cancel(cancel);
      });
}

}  // namespace switchboard
