// Keeps personal data out of the prompts that leave for a provider: email addresses, phone
// numbers, US social security numbers, payment card numbers (Luhn-checked) and IP addresses
// (pii_scanner.hpp). Modes:
//   off     nothing is looked at;
//   log     findings are counted and audited (`pii.detected`), the prompt goes as it was;
//   redact  (default) each value is replaced by a placeholder — [EMAIL_1], [PHONE_2], … the
//           same value always the same one within a call — and audited; with `restore: true`
//           the placeholders in the model's answer are put back (streamed answers too, where
//           a placeholder may arrive split across chunks).
// Values are never logged or audited, only their kinds and counts. Configuration: mode,
// kinds (default all: email, phone, ssn, credit_card, ip_address), restore (default false).
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/middleware.hpp>

#include "pii_scanner.hpp"

namespace {

using namespace switchboard::plugin;

// Puts the values of one call back into its answer; the redactor lives as long as the filter.
class RestoreValues final : public AnswerFilter {
 public:
  explicit RestoreValues(std::unique_ptr<pii::Redactor> redactor)
      : redactor_(std::move(redactor)), restorer_(*redactor_) {}
  std::string on_text(std::string_view text) override { return restorer_.feed(text); }
  std::string on_end() override { return restorer_.finish(); }

 private:
  std::unique_ptr<pii::Redactor> redactor_;
  pii::StreamRestorer restorer_;
};

class PiiRedact final : public Middleware {
 public:
  PiiRedact(const nlohmann::json& config, HostServices& host) : host_(host) {
    mode_ = config.value("mode", std::string("redact"));
    if (mode_ != "off" && mode_ != "log" && mode_ != "redact")
      throw std::invalid_argument("mode must be off, log or redact");
    if (config.contains("kinds")) {
      if (!config["kinds"].is_array()) throw std::invalid_argument("kinds must be a list");
      kinds_.clear();
      for (const auto& item : config["kinds"]) {
        const auto kind = item.is_string() ? pii::kind_from_name(item.get<std::string>()) : std::nullopt;
        if (!kind) throw std::invalid_argument("kinds: unknown kind " + item.dump());
        kinds_.insert(*kind);
      }
    }
    restore_ = config.value("restore", false);
  }

  LlmCallDecision on_llm_call(const HttpRequestInfo&, const ChatRequest& call) override {
    if (mode_ == "off") return {};
    auto redactor = std::make_unique<pii::Redactor>(kinds_);
    std::vector<std::string> redacted;
    for (const auto& message : call.messages) redacted.push_back(redactor->redact(message.content));
    if (redactor->empty()) return {};  // the call goes as it is: nothing copied
    nlohmann::json found = nlohmann::json::object();
    for (const auto& [kind, count] : redactor->counts()) found[pii::name(kind)] = count;
    host_.audit("pii.detected", {{"mode", mode_}, {"found", found}});
    if (mode_ == "log") return {};
    LlmCallDecision decision;
    decision.rewritten = call;
    for (std::size_t i = 0; i < redacted.size(); ++i) decision.rewritten->messages[i].content = std::move(redacted[i]);
    if (restore_) decision.answer = std::make_shared<RestoreValues>(std::move(redactor));
    return decision;
  }

 private:
  HostServices& host_;
  std::string mode_;
  std::set<pii::Kind> kinds_ = pii::kAllKinds;
  bool restore_ = false;
};

std::shared_ptr<Plugin> make_pii_redact(const nlohmann::json& config, HostServices& host) {
  return std::make_shared<PiiRedact>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::middleware, "pii-redact", "1.0.0",
                   "Personal data in prompts found, audited and replaced by placeholders (optionally restored)",
                   make_pii_redact)
