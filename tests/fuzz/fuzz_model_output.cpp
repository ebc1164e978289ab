// What a model answers is outside input: any bytes must give a JSON value or a reason, never a
// crash or unbounded work; a value found is within the depth limit and dumps again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/model_output.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto found = switchboard::analysis::extract_json(text);
  if (found) {
    (void)found->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else if (found.error().empty()) {
    __builtin_trap();
  }
  return 0;
}
