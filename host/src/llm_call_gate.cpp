#include "llm_call_gate.hpp"

#include <switchboard/log.hpp>

#include "audit_log.hpp"
#include "budget_guard.hpp"

namespace switchboard {
namespace {

Logger& log() {
  static Logger logger("llm");
  return logger;
}

}  // namespace

std::string AnswerFilters::on_text(std::string_view text) {
  std::string out(text);
  for (auto it = filters_.rbegin(); it != filters_.rend(); ++it) {
    try {
      out = (*it)->on_text(out);
    } catch (const std::exception& e) {
      log().error("answer filter threw; its piece passes unfiltered", {{"error", e.what()}});
    }
  }
  return out;
}

std::string AnswerFilters::on_end() {
  // What an earlier filter releases at the end still passes the filters after it.
  std::string out;
  for (auto it = filters_.rbegin(); it != filters_.rend(); ++it) {
    try {
      if (!out.empty()) out = (*it)->on_text(out);
      out += (*it)->on_end();
    } catch (const std::exception& e) {
      log().error("answer filter threw at the end", {{"error", e.what()}});
    }
  }
  return out;
}

std::string billed_key(const RequestContext* context) {
  if (!context || !context->principal || context->principal->kind != "api_key") return {};
  return context->principal->id;
}

tl::expected<GatedCall, plugin::MiddlewareReply> LlmCallGate::admit(const RequestContext* context,
                                                                    plugin::ChatRequest request) const {
  GatedCall call{std::move(request), {}};
  if (!context) return call;
  if (const std::string key = billed_key(context); budgets_ && !key.empty()) {
    if (auto refusal = budgets_->check(key)) {
      audit_.record({0,
                     "budget.exceeded",
                     "api_key:" + key,
                     "",
                     {{"period", refusal->details["period"]},
                      {"budget_usd", refusal->details["budget_usd"]},
                      {"spent_usd", refusal->details["spent_usd"]},
                      {"path", context->request.path}},
                     context->request_id,
                     ""});
      return tl::unexpected(std::move(*refusal));
    }
  }
  if (!context->middleware || !context->info) return call;
  for (auto* middleware : *context->middleware) {
    plugin::LlmCallDecision decision;
    try {
      decision = middleware->on_llm_call(*context->info, call.request);
    } catch (const std::exception& e) {
      // The middleware may be the one that keeps data from leaving: fail closed.
      log().error("middleware threw on an LLM call", {{"error", e.what()}});
      return tl::unexpected(
          plugin::MiddlewareReply{500, "INTERNAL_ERROR", "internal error", {}, nlohmann::json::object()});
    }
    if (decision.refusal) return tl::unexpected(std::move(*decision.refusal));
    if (decision.rewritten) call.request = std::move(*decision.rewritten);
    if (decision.answer) call.answer.add(std::move(decision.answer));
  }
  return call;
}

}  // namespace switchboard
