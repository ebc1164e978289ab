// The `kernel` framework: Semantic Kernel style (see kernel.hpp). Tasks:
//   story  {primary_character, secondary_character} → StoryPlugin.WriteStory, a prompt function
//   chat   {messages: [{role, content}, …]}         → the kernel's chat over a ChatHistory
// Prompts: <config_dir>/prompts/kernel/write_story.{system,user}.txt, with built-in defaults.
// Configuration (execution settings of its prompt functions): temperature, max_tokens, model.
#include <chrono>
#include <fstream>
#include <sstream>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/framework.hpp>
#include <switchboard/sdk/json_fields.hpp>

#include "kernel.hpp"

namespace {

using namespace switchboard::plugin;
using nlohmann::json;

constexpr const char* kDefaultSystem =
    "You are a creative storyteller. Write engaging, family-friendly short stories of about 300 words.";
constexpr const char* kDefaultUser =
    "Write a short story featuring {{$primary_character}} and {{$secondary_character}}. Give it a clear beginning, "
    "a middle with a small challenge they face together, and a warm ending.";

std::string read_or(const std::string& path, const char* fallback) {
  std::ifstream file(path);
  if (!file) return fallback;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

class KernelFramework final : public Framework {
 public:
  KernelFramework(const json& config, HostServices& host) : host_(host) {
    settings_.model = switchboard::sdk::text_field(config, "model");
    if (config.contains("temperature") && config["temperature"].is_number())
      settings_.temperature = config["temperature"].get<double>();
    if (config.contains("max_tokens") && config["max_tokens"].is_number_integer())
      settings_.max_tokens = config["max_tokens"].get<int>();
    const std::string prompts = host.config_dir() + "/prompts/kernel/";
    story_system_ = read_or(prompts + "write_story.system.txt", kDefaultSystem);
    story_user_ = read_or(prompts + "write_story.user.txt", kDefaultUser);
  }

  std::vector<std::string> tasks() const override { return {"story", "chat"}; }

  tl::expected<TaskResult, TaskError> run(const TaskRequest& request) override {
    kernel::Kernel kernel(host_.llm(), request.request_id, request.transaction_guid);
    kernel.add_plugin("StoryPlugin", {kernel::prompt_function("WriteStory", story_system_, story_user_, settings_)});
    kernel.add_filter([this](kernel::InvocationContext& context, const std::function<void()>& next) {
      const auto started = std::chrono::steady_clock::now();
      next();
      host_.logger().log(
          LogLevel::debug, "kernel function invoked",
          {{"function", context.plugin + "." + context.function},
           {"ok", context.outcome && context.outcome->has_value()},
           {"ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()}});
    });

    kernel::Outcome outcome;
    if (request.task == "story") {
      kernel::Arguments arguments = json::object();  // a missing one is the template's error (422)
      for (const char* name : {"primary_character", "secondary_character"}) {
        if (request.input.contains(name)) arguments[name] = request.input[name];
      }
      outcome = kernel.invoke("StoryPlugin", "WriteStory", std::move(arguments));
    } else if (request.task == "chat") {
      kernel::ChatHistory history;
      if (!request.input.contains("messages") || !request.input["messages"].is_array() ||
          request.input["messages"].empty()) {
        return tl::unexpected(TaskError{"VALIDATION_ERROR", "\"messages\" must be a non-empty list", 422});
      }
      for (const auto& message : request.input["messages"]) {
        history.add(switchboard::sdk::text_field(message, "role", "user"),
                    switchboard::sdk::text_field(message, "content"));
      }
      outcome = kernel.chat(history, settings_, "ChatCompletion");
    } else {
      return tl::unexpected(TaskError{"NOT_FOUND", "no task \"" + request.task + "\"", 404});
    }
    if (!outcome) return tl::unexpected(outcome.error());
    TaskResult result;
    result.text = outcome->text;
    result.steps = outcome->steps;
    result.output = {{"style", "semantic_kernel"}};
    return result;
  }

 private:
  HostServices& host_;
  kernel::ExecutionSettings settings_;
  std::string story_system_;
  std::string story_user_;
};

std::shared_ptr<Plugin> make_kernel(const json& config, HostServices& host) {
  return std::make_shared<KernelFramework>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::framework, "kernel", "1.0.0",
                   "Semantic Kernel style: plugins of prompt and native functions, filters, chat history", make_kernel)
