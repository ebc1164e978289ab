// The `kernel` framework: Semantic Kernel style (see kernel.hpp). Tasks:
//   story  {primary_character, secondary_character} → StoryPlugin.WriteStory, a prompt function
//   chat   {messages: [{role, content}, …]}         → the kernel's chat over a ChatHistory
//   context {system_prompt, user_prompt, context}   → DocumentPlugin.AnswerWithContext, a prompt function
// Prompts: <config_dir>/prompts/kernel/{write_story,answer_with_context}.{system,user}.txt, with
// built-in defaults.
// Configuration (execution settings of its prompt functions): temperature, max_tokens, model.
#include <chrono>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/framework.hpp>
#include <switchboard/sdk/framework_support.hpp>
#include <switchboard/sdk/json_fields.hpp>

#include "kernel.hpp"

namespace {

using namespace switchboard::plugin;
using nlohmann::json;

constexpr const char* kDefaultUser =
    "Write a short story featuring {{$primary_character}} and {{$secondary_character}}. Give it a clear beginning, "
    "a middle with a small challenge they face together, and a warm ending.";
constexpr const char* kDefaultContextSystem = "{{$system_prompt}}";
constexpr const char* kDefaultContextUser =
    "<document>\n{{$context}}\n</document>\n\nUse the document above to answer. {{$user_prompt}}";

class KernelFramework final : public Framework {
 public:
  KernelFramework(const json& config, HostServices& host) : host_(host) {
    const auto options = switchboard::sdk::model_options(config);
    settings_ = {options.temperature, options.max_tokens, options.model};
    const std::string prompts = host.config_dir() + "/prompts/kernel/";
    story_system_ =
        switchboard::sdk::read_text_file(prompts + "write_story.system.txt", switchboard::sdk::kStorySystemPrompt);
    story_user_ = switchboard::sdk::read_text_file(prompts + "write_story.user.txt", kDefaultUser);
    context_system_ =
        switchboard::sdk::read_text_file(prompts + "answer_with_context.system.txt", kDefaultContextSystem);
    context_user_ = switchboard::sdk::read_text_file(prompts + "answer_with_context.user.txt", kDefaultContextUser);
  }

  std::vector<std::string> tasks() const override { return {"story", "chat", "context"}; }

  tl::expected<TaskResult, TaskError> run(const TaskRequest& request) override {
    kernel::Kernel kernel(host_.llm(), request.request_id, request.transaction_guid);
    kernel.add_plugin("StoryPlugin", {kernel::prompt_function("WriteStory", story_system_, story_user_, settings_)});
    kernel.add_plugin("DocumentPlugin",
                      {kernel::prompt_function("AnswerWithContext", context_system_, context_user_, settings_)});
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
      // A missing character is the template's error (422).
      outcome = kernel.invoke("StoryPlugin", "WriteStory", switchboard::sdk::story_arguments(request.input));
    } else if (request.task == "chat") {
      auto messages = switchboard::sdk::chat_messages(request.input);
      if (!messages) return tl::unexpected(messages.error());
      kernel::ChatHistory history;
      for (const auto& message : *messages) {
        history.add(switchboard::sdk::text_field(message, "role", "user"),
                    switchboard::sdk::text_field(message, "content"));
      }
      outcome = kernel.chat(history, settings_, "ChatCompletion");
    } else if (request.task == "context") {
      // The template takes what it names from the input; a missing prompt is its error (422).
      outcome = kernel.invoke("DocumentPlugin", "AnswerWithContext", request.input);
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
  std::string context_system_;
  std::string context_user_;
};

std::shared_ptr<Plugin> make_kernel(const json& config, HostServices& host) {
  return std::make_shared<KernelFramework>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::framework, "kernel", "1.0.0",
                   "Semantic Kernel style: plugins of prompt and native functions, filters, chat history", make_kernel)
