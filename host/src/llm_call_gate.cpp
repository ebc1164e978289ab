#include "llm_call_gate.hpp"

#include <switchboard/log.hpp>
#include <switchboard/owner.hpp>

#include "audit_log.hpp"
#include "budget_guard.hpp"
#include "call_pricing.hpp"

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

std::string billed_principal(const RequestContext* context) {
  if (!context || !context->principal) return {};
  const auto& principal = *context->principal;
  if (principal.kind == "api_key") return principal.id;
  if (principal.kind != "jwt" || principal.id.empty()) return {};
  return owner_of(*context);
}

tl::expected<std::shared_ptr<BudgetHold>, plugin::MiddlewareReply> LlmCallGate::hold(const RequestContext* context,
                                                                                     plugin::ChatRequest& call,
                                                                                     std::int64_t worst_case) const {
  const std::string principal = billed_principal(context);
  if (!budgets_ || principal.empty()) return nullptr;
  auto held = budgets_->reserve(principal, worst_case);
  if (!held) {
    const auto& refusal = held.error();
    audit_.record({0,
                   "budget.exceeded",
                   context->principal->kind + ":" + context->principal->id,
                   "",
                   {{"period", refusal.details["period"]},
                    {"budget_usd", refusal.details["budget_usd"]},
                    {"spent_usd", refusal.details["spent_usd"]},
                    {"call_max_usd", refusal.details["call_max_usd"]},
                    {"path", context->request.path}},
                   context->request_id,
                   ""});
    return held;
  }
  if (*held && !output_cap(call)) call.max_tokens = default_max_tokens_;
  return held;
}

tl::expected<GatedCall, plugin::MiddlewareReply> LlmCallGate::admit(const RequestContext* context,
                                                                    plugin::ChatRequest request) const {
  GatedCall call{std::move(request), {}};
  if (!context || !context->middleware || !context->info) return call;
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
