#pragma once
/// @file
/// What framework plugins share: reading their prompt files, their model options from the
/// plugin configuration, and the inputs of the story and chat tasks. Part of the plugin SDK.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/framework.hpp>

namespace switchboard::sdk {

/// The built-in story prompts, used when `config/prompts/<framework>/` has none: the system
/// prompt, and the user prompt as an f-string template ({primary_character}, {secondary_character}).
inline constexpr const char* kStorySystemPrompt =
    "You are a creative storyteller. Write engaging, family-friendly short stories of about 300 words.";
inline constexpr const char* kStoryUserPrompt =
    "Write a short story featuring {primary_character} and {secondary_character}. Give it a clear beginning, a "
    "middle with a small challenge they face together, and a warm ending.";

/// The whole text of `path`, or `fallback` when it cannot be read.
std::string read_text_file(const std::string& path, std::string fallback);

/// `temperature`, `max_tokens` and `model` of a plugin configuration (absent or of the wrong
/// type: unset).
struct ModelOptions {
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  std::string model;
};
ModelOptions model_options(const nlohmann::json& config);

/// The story task's arguments: `primary_character` and `secondary_character`, those present.
nlohmann::json story_arguments(const nlohmann::json& input);

/// The chat task's `messages`: a non-empty list, or a 422 TaskError.
tl::expected<nlohmann::json, plugin::TaskError> chat_messages(const nlohmann::json& input);

}  // namespace switchboard::sdk
