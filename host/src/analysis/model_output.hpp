#pragma once
// Finds the JSON a model was asked for in what it actually wrote. Models wrap it in code
// fences ("```json … ```"), put a sentence before or after it, or answer bare JSON; this
// takes, in order of preference: the first fenced block that parses, the whole text, then the
// first balanced {…} or […] that parses (strings and escapes respected). Deeper than
// kMaxModelJsonDepth is refused before parsing, as for request bodies: model output is outside
// input too.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace switchboard::analysis {

inline constexpr int kMaxModelJsonDepth = 64;

// The JSON value in `text`, or why there is none ("no JSON object or array in the answer",
// "nested deeper than 64 levels").
tl::expected<nlohmann::json, std::string> extract_json(std::string_view text);

}  // namespace switchboard::analysis
