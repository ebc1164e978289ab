// The `chain` framework: LangChain style (see runnable.hpp). Tasks:
//   story  {primary_character, secondary_character} → prompt | model (retried once) | string parser
//   chat   {messages: [{role, content}, …]}         → model | string parser
// Prompts: <config_dir>/prompts/chain/story.{system,user}.txt ({var} templates), with
// built-in defaults. Configuration: temperature, max_tokens, model.
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/framework.hpp>
#include <switchboard/sdk/framework_support.hpp>

#include "runnable.hpp"

namespace {

using namespace switchboard::plugin;
using nlohmann::json;

constexpr const char* kDefaultSystem =
    "You are a creative storyteller. Write engaging, family-friendly short stories of about 300 words.";
constexpr const char* kDefaultUser =
    "Write a short story featuring {primary_character} and {secondary_character}. Give it a clear beginning, a "
    "middle with a small challenge they face together, and a warm ending.";

class ChainFramework final : public Framework {
 public:
  ChainFramework(const json& config, HostServices& host) : host_(host) {
    const auto options = switchboard::sdk::model_options(config);
    chain::ModelSettings settings{options.temperature, options.max_tokens, options.model, "story_model"};
    const std::string prompts = host.config_dir() + "/prompts/chain/";
    story_ = chain::prompt(switchboard::sdk::read_text_file(prompts + "story.system.txt", kDefaultSystem),
                           switchboard::sdk::read_text_file(prompts + "story.user.txt", kDefaultUser)) |
             chain::with_retry(chain::chat_model(settings), 2) | chain::string_parser();
    settings.step_name = "chat_model";
    chat_ = chain::chat_model(settings) | chain::string_parser();
  }

  std::vector<std::string> tasks() const override { return {"story", "chat"}; }

  tl::expected<TaskResult, TaskError> run(const TaskRequest& request) override {
    chain::Context context{host_.llm(), request.request_id, request.transaction_guid, {}};
    chain::Result result = tl::unexpected(TaskError{"NOT_FOUND", "no task \"" + request.task + "\"", 404});
    if (request.task == "story") {
      // A missing character is the template's error (422).
      result = story_->invoke(switchboard::sdk::story_arguments(request.input), context);
    } else if (request.task == "chat") {
      auto messages = switchboard::sdk::chat_messages(request.input);
      if (!messages) return tl::unexpected(messages.error());
      result = chat_->invoke({{"messages", *messages}}, context);
    }
    if (!result) return tl::unexpected(result.error());
    TaskResult out;
    out.text = result->is_string() ? result->get<std::string>() : result->dump();
    out.steps = std::move(context.steps);
    out.output = {{"style", "langchain"}};
    return out;
  }

 private:
  HostServices& host_;
  chain::RunnablePtr story_;
  chain::RunnablePtr chat_;
};

std::shared_ptr<Plugin> make_chain(const json& config, HostServices& host) {
  return std::make_shared<ChainFramework>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::framework, "chain", "1.0.0",
                   "LangChain style: runnables composed into sequences, parallel maps, branches, retries", make_chain)
