// A caller's JSON Schema is outside input (POST /v1/analyze, /v1/schemas): any JSON must compile
// or be refused with a reason, and a compiled schema must validate documents without crashing
// or recursing for ever (a reference cycle once took the server down), and patterns answer in
// linear time (libFuzzer's -timeout catches a backtracking engine).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/json_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto schema = nlohmann::json::parse(text, nullptr, false);
  if (schema.is_discarded()) return 0;
  auto compiled = switchboard::analysis::JsonSchema::compile(schema);
  if (!compiled) {
    if (compiled.error().empty()) __builtin_trap();
    return 0;
  }
  static const nlohmann::json documents[] = {
      nullptr, 0, 1.5, "text", true, nlohmann::json::array({1, "a", nullptr}),
      nlohmann::json{{"a", {{"b", {1, 2}}}}, {"name", "x"}, {"children", {{{"name", "y"}}}}},
      // Patterns and formats meet long strings: std::regex once overflowed its stack on these.
      std::string(50'000, 'a') + "!",
      nlohmann::json{{"name", std::string(50'000, '7')}, {"date", std::string(50'000, '1') + "-02-29"}}};
  for (const auto& document : documents) (void)compiled->problems(document);
  (void)compiled->problems(schema);
  return 0;
}
