// The `chain` framework: LangChain style (see runnable.hpp). Tasks:
//   story  {primary_character, secondary_character} → prompt | model (retried once) | string parser
//   chat   {messages: [{role, content}, …]}         → model | string parser
//   context {system_prompt, user_prompt, context}   → prompt | model | string parser
//   workflow  {workflow, input}: config/workflows/<workflow>.yaml (framework: chain), its
//             steps as a sequence (chain_workflow.hpp)
//   workflows {}: lists the workflows it runs
// Prompts: <config_dir>/prompts/chain/{story,context}.{system,user}.txt ({var} templates), with
// built-in defaults. Configuration: temperature, max_tokens, model, workflows_dir.
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/framework.hpp>
#include <switchboard/sdk/framework_support.hpp>
#include <switchboard/sdk/json_fields.hpp>

#include "../workflow/workflow.hpp"
#include "chain_workflow.hpp"
#include "runnable.hpp"

namespace {

using namespace switchboard::plugin;
using nlohmann::json;

using switchboard::sdk::kStorySystemPrompt;
using switchboard::sdk::kStoryUserPrompt;
constexpr const char* kDefaultContextSystem = "{system_prompt}";
constexpr const char* kDefaultContextUser =
    "<document>\n{context}\n</document>\n\nUse the document above to answer. {user_prompt}";

class ChainFramework final : public Framework {
 public:
  ChainFramework(const json& config, HostServices& host) : host_(host) {
    const auto options = switchboard::sdk::model_options(config);
    chain::ModelSettings settings{options.temperature, options.max_tokens, options.model, "story_model"};
    const std::string prompts = host.config_dir() + "/prompts/chain/";
    story_ = chain::prompt(switchboard::sdk::read_text_file(prompts + "story.system.txt", kStorySystemPrompt),
                           switchboard::sdk::read_text_file(prompts + "story.user.txt", kStoryUserPrompt)) |
             chain::with_retry(chain::chat_model(settings), 2) | chain::string_parser();
    settings.step_name = "context_model";
    context_ = chain::prompt(switchboard::sdk::read_text_file(prompts + "context.system.txt", kDefaultContextSystem),
                             switchboard::sdk::read_text_file(prompts + "context.user.txt", kDefaultContextUser)) |
               chain::chat_model(settings) | chain::string_parser();
    settings.step_name = "chat_model";
    chat_ = chain::chat_model(settings) | chain::string_parser();
    workflows_dir_ = switchboard::sdk::text_field(config, "workflows_dir", host.config_dir() + "/workflows");
    prompts_dir_ = prompts;
  }

  std::vector<std::string> tasks() const override { return {"story", "chat", "context", "workflow", "workflows"}; }

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
    } else if (request.task == "context") {
      // The prompt takes what it names from the input; a missing prompt is its error (422).
      result = context_->invoke(request.input, context);
    } else if (request.task == "workflow") {
      return run_workflow(request.input, context);
    } else if (request.task == "workflows") {
      TaskResult out;
      out.output = {{"workflows", json::array()}};
      for (const auto& spec : workflow::list_workflows(workflows_dir_, "chain", prompts_dir_)) {
        out.output["workflows"].push_back(
            {{"name", spec.name}, {"description", spec.description}, {"framework", "chain"}});
      }
      return out;
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
  chain::RunnablePtr context_;
  std::string workflows_dir_;
  std::string prompts_dir_;

  tl::expected<TaskResult, TaskError> run_workflow(const json& input, chain::Context& context) const {
    const std::string name = switchboard::sdk::text_field(input, "workflow");
    if (input.contains("run_id")) {
      return tl::unexpected(TaskError{"NOT_FOUND", "chain workflows keep no checkpoints: nothing to resume", 404});
    }
    auto loaded = workflow::load_workflow(workflows_dir_, name, prompts_dir_);
    if (!loaded || loaded->framework != "chain") {
      return tl::unexpected(
          TaskError{"NOT_FOUND", loaded ? "workflow \"" + name + "\" is not a chain" : loaded.error(), 404});
    }
    auto spec = std::make_shared<const workflow::WorkflowSpec>(std::move(*loaded));
    const json arguments = input.contains("input") ? input["input"] : json::object();
    if (auto details = workflow::check_inputs(*spec, arguments); !details.empty()) {
      return tl::unexpected(
          TaskError{"VALIDATION_ERROR", "invalid workflow input: " + workflow::describe_problems(details), 422});
    }
    auto state = chain::workflow_chain(spec)->invoke(workflow::initial_state(*spec, arguments), context);
    if (!state) return tl::unexpected(state.error());
    TaskResult out;
    out.text = workflow::output_text(*spec, *state);
    out.steps = std::move(context.steps);
    out.output = {{"style", "langchain"}, {"workflow", name}, {"state", *state}};
    return out;
  }
};

std::shared_ptr<Plugin> make_chain(const json& config, HostServices& host) {
  return std::make_shared<ChainFramework>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::framework, "chain", "1.0.0",
                   "LangChain style: runnables composed into sequences, parallel maps, branches, retries", make_chain)
