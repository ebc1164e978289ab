// Configuration text from an operator's file or environment: any bytes must give a Config
// or a ConfigError naming what is wrong — never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include <switchboard/config.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto from_file = switchboard::load_config_text(text, {});
  if (!from_file && from_file.error().message.empty()) __builtin_trap();
  // The same bytes as an environment value must also be handled.
  auto from_env = switchboard::load_config_text("", {{"SWITCHBOARD_PORT", text}, {"SWITCHBOARD__SERVER__HOST", text}});
  if (!from_env && from_env.error().key.empty()) __builtin_trap();
  return 0;
}
