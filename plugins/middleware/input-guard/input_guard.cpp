// Checks the text people send before any handler or model sees it (input_rules.hpp): every
// string value of a JSON body for control characters and NUL bytes, bytes that are not
// UTF-8, length limits per field, markup that would run in a page, SQL DDL, and
// prompt-injection phrases. With `action: reject` (default) such a request is answered 400
// INPUT_REJECTED naming each field, rule and reason; with `action: log` it goes on. Either way
// it is audited (`input.rejected` / `input.flagged`) — with the rule that fired, never the
// text. The prompts of every LLM call are also sanitised on their way out (control
// characters dropped) unless `sanitise_prompts: false`.
// Configuration: action, sanitise_prompts, and the rules' max_length, field_limits,
// check_markup, check_sql, check_injection.
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/middleware.hpp>

#include "input_rules.hpp"

namespace {

using namespace switchboard::plugin;

// Whatever Content-Type says: the handlers read JSON whatever the client labelled it, so a body
// sent as text/plain must not slip past.
bool json_body(std::string_view body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
}

class InputGuard final : public Middleware {
 public:
  InputGuard(const nlohmann::json& config, HostServices& host)
      : host_(host), inspector_(input_guard::Rules::from_config(config)) {
    const auto action = config.value("action", std::string("reject"));
    if (action != "reject" && action != "log") throw std::invalid_argument("action must be reject or log");
    reject_ = action == "reject";
    sanitise_prompts_ = config.value("sanitise_prompts", true);
  }

  std::optional<MiddlewareReply> on_body(const HttpRequestInfo&, std::string_view body) override {
    if (!json_body(body)) return std::nullopt;
    const auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return std::nullopt;  // not JSON: the handler says so
    const auto violations = inspector_.inspect(parsed);
    if (violations.empty()) return std::nullopt;
    nlohmann::json listed = nlohmann::json::array();
    for (const auto& violation : violations) {
      listed.push_back(
          {{"field", violation.field}, {"rule", input_guard::name(violation.category)}, {"detail", violation.detail}});
    }
    host_.audit(reject_ ? "input.rejected" : "input.flagged", {{"violations", listed}});
    if (!reject_) return std::nullopt;
    MiddlewareReply reply;
    reply.status = 400;
    reply.code = "INPUT_REJECTED";
    const auto& first = violations.front();
    reply.message = "field \"" + first.field + "\" was refused (" + input_guard::name(first.category) + ": " +
                    first.detail + ")" +
                    (violations.size() > 1 ? " and " + std::to_string(violations.size() - 1) + " more" : "");
    reply.details = {{"violations", listed}};
    return reply;
  }

  LlmCallDecision on_llm_call(const HttpRequestInfo&, const ChatRequest& call) override {
    if (!sanitise_prompts_) return {};
    std::optional<ChatRequest> rewritten;
    for (std::size_t i = 0; i < call.messages.size(); ++i) {
      const auto clean = input_guard::sanitise_text(call.messages[i].content);
      if (clean == call.messages[i].content) continue;
      if (!rewritten) rewritten = call;
      rewritten->messages[i].content = clean;
    }
    LlmCallDecision decision;
    decision.rewritten = std::move(rewritten);
    return decision;
  }

 private:
  HostServices& host_;
  input_guard::Inspector inspector_;
  bool reject_ = true;
  bool sanitise_prompts_ = true;
};

std::shared_ptr<Plugin> make_input_guard(const nlohmann::json& config, HostServices& host) {
  return std::make_shared<InputGuard>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::middleware, "input-guard", "1.0.0",
                   "Text fields checked for control characters, length, markup, SQL and prompt injection",
                   make_input_guard)
