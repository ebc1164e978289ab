#pragma once
// What every LLM call made for a request passes before it leaves for a provider, on both
// paths (the gateway's and the frameworks' LlmClient): the API key's budget, then each
// middleware's `on_llm_call` in configured order — which may refuse the call, rewrite it
// (PII redaction) or filter its answer (restoring what was redacted). Answer filters run in
// the reverse order, so the first middleware sees the answer last, as it does a response.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include <switchboard/plugin/middleware.hpp>
#include <switchboard/request_context.hpp>

namespace switchboard {

class AuditLog;
class BudgetGuard;

// The answer filters of one call.
class AnswerFilters {
 public:
  void add(std::shared_ptr<plugin::AnswerFilter> filter) { filters_.push_back(std::move(filter)); }
  bool empty() const { return filters_.empty(); }
  // The next piece of the answer (a whole answer: all of it), as the client gets it.
  std::string on_text(std::string_view text);
  // What the filters held back, at the end of the answer.
  std::string on_end();

 private:
  std::vector<std::shared_ptr<plugin::AnswerFilter>> filters_;
};

struct GatedCall {
  plugin::ChatRequest request;  // what to send
  AnswerFilters answer;
};

class LlmCallGate {
 public:
  LlmCallGate(BudgetGuard* budgets, AuditLog& audit) : budgets_(budgets), audit_(audit) {}

  // `context` is null for calls made outside a request (nothing applies then).
  tl::expected<GatedCall, plugin::MiddlewareReply> admit(const RequestContext* context,
                                                         plugin::ChatRequest request) const;

 private:
  BudgetGuard* budgets_;  // null without a store
  AuditLog& audit_;
};

// The API key a request's calls are billed to: its principal's id when a key authenticated it.
std::string billed_key(const RequestContext* context);

}  // namespace switchboard
