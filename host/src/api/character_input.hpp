#pragma once
// Character names for stories (seed 000's validation): text of 1–100 characters once HTML
// tags are stripped and the ends trimmed; anything carrying a script (a <script> tag, a
// javascript: URL, an on…= event handler) is refused outright rather than cleaned.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace switchboard {

// The cleaned name of `body[field]`, or nothing with a {field, message} pushed onto `details`.
std::optional<std::string> clean_character(const nlohmann::json& body, const char* field, nlohmann::json& details);

// The same rules on a bare string (what the fuzz target drives).
std::optional<std::string> clean_character_text(const std::string& text, std::string& why);

}  // namespace switchboard
