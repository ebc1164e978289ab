#pragma once
/// @file
/// The cost-model kind: turns the token usage of one call into money.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <switchboard/plugin/chat.hpp>
#include <switchboard/plugin/plugin.hpp>

namespace switchboard::plugin {

/// The price of one call. Money is exact: integer nano-dollars (1e-9 USD).
struct Price {
  std::int64_t cost_nano_usd = 0;                 ///< total cost of the call
  std::int64_t input_per_million_micro_usd = 0;   ///< price used for input tokens
  std::int64_t output_per_million_micro_usd = 0;  ///< price used for output tokens
  std::int64_t cached_per_million_micro_usd = 0;  ///< price used for cached input tokens
};

/// The cost-model kind.
class CostModel : public Plugin {
 public:
  /// The price of `usage` on `model`, or nothing when the model is unknown to this model.
  virtual std::optional<Price> price(std::string_view model, const Usage& usage) const = 0;
};

}  // namespace switchboard::plugin
