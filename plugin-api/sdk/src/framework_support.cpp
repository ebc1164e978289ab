#include <switchboard/sdk/framework_support.hpp>

#include <fstream>
#include <sstream>

namespace switchboard::sdk {

std::string read_text_file(const std::string& path, std::string fallback) {
  std::ifstream file(path);
  if (!file) return fallback;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

ModelOptions model_options(const nlohmann::json& config) {
  ModelOptions options;
  if (!config.is_object()) return options;
  if (config.contains("temperature") && config["temperature"].is_number())
    options.temperature = config["temperature"].get<double>();
  if (config.contains("max_tokens") && config["max_tokens"].is_number_integer() &&
      config["max_tokens"].get<long long>() > 0 && config["max_tokens"].get<long long>() < (1LL << 31))
    options.max_tokens = config["max_tokens"].get<int>();
  if (config.contains("model") && config["model"].is_string()) options.model = config["model"].get<std::string>();
  return options;
}

nlohmann::json story_arguments(const nlohmann::json& input) {
  nlohmann::json arguments = nlohmann::json::object();
  for (const char* name : {"primary_character", "secondary_character"}) {
    if (input.is_object() && input.contains(name)) arguments[name] = input[name];
  }
  return arguments;
}

tl::expected<nlohmann::json, plugin::TaskError> chat_messages(const nlohmann::json& input) {
  if (!input.is_object() || !input.contains("messages") || !input["messages"].is_array() || input["messages"].empty()) {
    return tl::unexpected(plugin::TaskError{"VALIDATION_ERROR", "\"messages\" must be a non-empty list", 422});
  }
  return input["messages"];
}

}  // namespace switchboard::sdk
