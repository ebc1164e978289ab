#pragma once
// What every LLM call made for a request passes before it leaves for a provider, on both
// paths (the gateway's and the frameworks' LlmClient): each middleware's `on_llm_call` in
// configured order — which may refuse the call, rewrite it (PII redaction) or filter its
// answer (restoring what was redacted) — then, once the call's providers are known, the
// principal's budget, which holds the call's worst case until it settles. Answer filters run
// in the reverse order, so the first middleware sees the answer last, as it does a response.

#include <cstdint>
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
class BudgetHold;

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
  // `default_max_tokens`: what a budgeted call that sets no output cap reserves and is sent with.
  LlmCallGate(BudgetGuard* budgets, AuditLog& audit, int default_max_tokens)
      : budgets_(budgets), audit_(audit), default_max_tokens_(default_max_tokens) {}

  // `context` is null for calls made outside a request (nothing applies then).
  tl::expected<GatedCall, plugin::MiddlewareReply> admit(const RequestContext* context,
                                                         plugin::ChatRequest request) const;

  // Reserves `worst_case` (worst_case_cost with default_max_tokens()) of the budgets of the
  // request's principal for `call`: the hold to keep until the call has settled (null when
  // nothing is held), or the 402 refusal, audited. A held call that sets no output cap gets
  // the default one, so its worst case holds.
  tl::expected<std::shared_ptr<BudgetHold>, plugin::MiddlewareReply> hold(const RequestContext* context,
                                                                          plugin::ChatRequest& call,
                                                                          std::int64_t worst_case) const;
  std::int64_t default_max_tokens() const { return default_max_tokens_; }

 private:
  BudgetGuard* budgets_;  // null without a store
  AuditLog& audit_;
  int default_max_tokens_;
};

// The API key a request's calls are billed to: its principal's id when a key authenticated it.
std::string billed_key(const RequestContext* context);

// Whose budget a request's calls are held to: the API key's id, or a JWT's owner
// ("jwt:<iss>:<sub>", owner.hpp: each subject of each issuer has the configured budgets).
inline constexpr std::string_view kJwtPrincipalPrefix = "jwt:";
std::string billed_principal(const RequestContext* context);

}  // namespace switchboard
