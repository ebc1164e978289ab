// Request bodies are any bytes a client sends. Parsed as the gateway does, and also taken whole
// as one string value (as a body built in code could hold, not UTF-8 included): inspecting
// never crashes, reports at most kMaxViolations each naming its field, and sanitising leaves no
// control character but tab, line feed and carriage return, and only UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../../plugins/middleware/input-guard/input_rules.hpp"

namespace {

bool valid_utf8(const std::string& text) {
  // Round trip through nlohmann's strict encoder: it throws on bytes that are not UTF-8.
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// Every string in `value` is clean; walked without recursion, as deep as the input nests.
void expect_clean(const nlohmann::json& value) {
  std::vector<const nlohmann::json*> work{&value};
  while (!work.empty()) {
    const auto* item = work.back();
    work.pop_back();
    if (item->is_structured()) {
      for (const auto& child : *item) work.push_back(&child);
    } else if (item->is_string()) {
      const auto& text = item->get_ref<const std::string&>();
      for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') __builtin_trap();
      }
      if (!valid_utf8(text)) __builtin_trap();
    }
  }
}

void exercise(const input_guard::Inspector& inspector, const nlohmann::json& body) {
  const auto violations = inspector.inspect(body);
  if (violations.size() > input_guard::kMaxViolations) __builtin_trap();
  for (const auto& violation : violations)
    if (violation.field.empty() || violation.detail.empty()) __builtin_trap();
  expect_clean(inspector.sanitise(body));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const input_guard::Inspector inspector([] {
    input_guard::Rules rules;
    rules.max_length = 64;
    rules.field_limits = {{"name", 8}};
    return rules;
  }());
  const auto body = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (!body.is_discarded()) exercise(inspector, body);
  exercise(inspector, nlohmann::json{{"name", std::string(reinterpret_cast<const char*>(data), size)}});
  return 0;
}
