// Prompt templates come from configuration files and, through workflows, from operators:
// any text must render or be refused with a reason, never crash, and rendering must not
// re-expand what an argument inserted.
#include <cstddef>
#include <cstdint>
#include <string>

#include <switchboard/sdk/prompt_template.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json args = {{"a", "{{$b}}{b}"}, {"b", "x"}, {"n", 7}, {"o", {{"k", "v"}}}};
  for (auto rendered :
       {switchboard::sdk::render_kernel_template(text, args), switchboard::sdk::render_fstring_template(text, args)}) {
    if (!rendered && rendered.error().empty()) __builtin_trap();
  }
  // Every variable the scanner reports is one the renderer would ask for.
  nlohmann::json all = nlohmann::json::object();
  for (const auto& name : switchboard::sdk::kernel_template_variables(text)) all[name] = "v";
  if (!switchboard::sdk::render_kernel_template(text, all)) __builtin_trap();
  all = nlohmann::json::object();
  const auto fstring_names = switchboard::sdk::fstring_template_variables(text);
  for (const auto& name : fstring_names) all[name] = "v";
  auto rendered = switchboard::sdk::render_fstring_template(text, all);
  if (!rendered && rendered.error().find("no argument") != std::string::npos) __builtin_trap();
  return 0;
}
