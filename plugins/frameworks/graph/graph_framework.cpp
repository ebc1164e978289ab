// The `graph` framework: LangGraph style (see state_graph.hpp). Tasks:
//   story      {primary_character, secondary_character} → storyteller → editor
//   chat       {messages: [{role, content}, …]}         → chatbot (messages append)
//   context    {system_prompt, user_prompt, context}    → answer
//   workflow   {workflow, input} runs config/workflows/<workflow>.yaml (framework: graph);
//              {workflow, run_id} resumes that run from its last checkpoint
//   workflows  {} lists the workflows it runs
// Every run saves a checkpoint per step through the host; its run id is in the output.
// Prompts: <config_dir>/prompts/graph/{storyteller,editor}.{system,user}.txt ({var}).
// Configuration: temperature, max_tokens, model, step_limit, workflows_dir.
#include <algorithm>
#include <chrono>
#include <random>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/framework.hpp>
#include <switchboard/sdk/framework_support.hpp>
#include <switchboard/sdk/json_fields.hpp>
#include <switchboard/sdk/prompt_template.hpp>

#include "../workflow/workflow.hpp"
#include "state_graph.hpp"
#include "workflow_graph.hpp"

namespace {

using namespace switchboard::plugin;
using nlohmann::json;

constexpr const char* kEditorSystem =
    "You are a careful editor. Improve the flow, fix any mistakes and keep the story's length and tone. Answer with "
    "the edited story only.";
constexpr const char* kEditorUser = "Edit this story:\n\n{draft}";

std::string new_run_id() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "run_";
  for (int i = 0; i < 24; ++i) id += kHex[random() % 16];
  return id;
}

struct Prompt {
  std::string system;
  std::string user;
};

class GraphFramework final : public Framework {
 public:
  GraphFramework(const json& config, HostServices& host) : host_(host) {
    const auto options = switchboard::sdk::model_options(config);
    temperature_ = options.temperature;
    max_tokens_ = options.max_tokens;
    model_ = options.model;
    step_limit_ =
        static_cast<int>(std::clamp<std::int64_t>(switchboard::sdk::integer_field(config, "step_limit", 25), 1, 1000));
    const std::string config_dir = host.config_dir();
    workflows_dir_ = switchboard::sdk::text_field(config, "workflows_dir", config_dir + "/workflows");
    prompts_dir_ = config_dir + "/prompts/graph/";
    storyteller_ = read_prompt("storyteller", switchboard::sdk::kStorySystemPrompt, switchboard::sdk::kStoryUserPrompt);
    editor_ = read_prompt("editor", kEditorSystem, kEditorUser);
    story_ = build_story_graph();
    chat_ = build_chat_graph();
    context_ = build_context_graph();
  }

  std::vector<std::string> tasks() const override { return {"story", "chat", "context", "workflow", "workflows"}; }

  tl::expected<TaskResult, TaskError> run(const TaskRequest& request) override {
    graph::RunContext context{host_.llm(), request.request_id, request.transaction_guid, {}, {}};
    if (request.task == "story") {
      return finish(*story_, switchboard::sdk::story_arguments(request.input), "story", context);
    }
    if (request.task == "chat") {
      auto messages = switchboard::sdk::chat_messages(request.input);
      if (!messages) return tl::unexpected(messages.error());
      return finish(*chat_, {{"messages", *messages}}, "reply", context);
    }
    if (request.task == "context") {
      return finish(*context_, request.input, "answer", context);
    }
    if (request.task == "workflow") return run_workflow(request.input, context);
    if (request.task == "workflows") {
      TaskResult result;
      result.output = {{"workflows", json::array()}};
      for (const auto& spec : workflow::list_workflows(workflows_dir_, "graph", prompts_dir_)) {
        result.output["workflows"].push_back(describe(spec));
      }
      return result;
    }
    return tl::unexpected(TaskError{"NOT_FOUND", "no task \"" + request.task + "\"", 404});
  }

 private:
  Prompt read_prompt(const std::string& name, const char* system, const char* user) const {
    return {switchboard::sdk::read_text_file(prompts_dir_ + name + ".system.txt", system),
            switchboard::sdk::read_text_file(prompts_dir_ + name + ".user.txt", user)};
  }

  // A node that renders `prompt` with the state, asks the model, and writes the answer to `key`.
  graph::Node model_node(const std::string& name, Prompt prompt, const std::string& key) const {
    return [this, name, prompt, key](const graph::State& state, graph::RunContext& context) -> graph::NodeResult {
      ChatRequest request = base_request(context);
      for (const auto& [role, text] : {std::pair{"system", &prompt.system}, std::pair{"user", &prompt.user}}) {
        auto rendered = switchboard::sdk::render_fstring_template(*text, state);
        if (!rendered) return tl::unexpected(TaskError{"VALIDATION_ERROR", rendered.error(), 422});
        request.messages.push_back({role, *rendered, ""});
      }
      return call_model(name, request, key, context);
    };
  }

  ChatRequest base_request(const graph::RunContext& context) const {
    ChatRequest request;
    request.model = model_;
    request.temperature = temperature_;
    request.max_tokens = max_tokens_;
    request.request_id = context.request_id;
    request.transaction_guid = context.transaction_guid;
    return request;
  }

  graph::NodeResult call_model(const std::string& name, const ChatRequest& request, const std::string& key,
                               graph::RunContext& context) const {
    const auto started = std::chrono::steady_clock::now();
    auto answer = context.llm.complete(request);
    if (!answer)
      return tl::unexpected(
          TaskError{answer.error().code, answer.error().message, answer.error().http_status, answer.error().details});
    context.record({name, answer->model, answer->provider, answer->usage,
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()});
    return graph::Update{{key, answer->content}};
  }

  std::unique_ptr<graph::CompiledGraph> compiled(graph::StateGraph& graph) const {
    auto compiled = graph.compile();
    if (!compiled) throw std::logic_error("built-in graph: " + compiled.error());
    return std::make_unique<graph::CompiledGraph>(std::move(*compiled));
  }

  std::unique_ptr<graph::CompiledGraph> build_story_graph() const {
    graph::StateGraph graph("story");
    graph.add_node("storyteller", model_node("storyteller", storyteller_, "draft"))
        .add_node("editor", model_node("editor", editor_, "story"))
        .add_edge(graph::kStart, "storyteller")
        .add_edge("storyteller", "editor")
        .add_edge("editor", graph::kEnd);
    return compiled(graph);
  }

  std::unique_ptr<graph::CompiledGraph> build_chat_graph() const {
    graph::StateGraph graph("chat");
    graph.add_key("messages", graph::Reducer::append)
        .add_node("chatbot",
                  [this](const graph::State& state, graph::RunContext& context) -> graph::NodeResult {
                    ChatRequest request = base_request(context);
                    for (const auto& message : state["messages"]) {
                      request.messages.push_back({switchboard::sdk::text_field(message, "role", "user"),
                                                  switchboard::sdk::text_field(message, "content"), ""});
                    }
                    auto update = call_model("chatbot", request, "reply", context);
                    if (update)
                      (*update)["messages"] = json::array({{{"role", "assistant"}, {"content", (*update)["reply"]}}});
                    return update;
                  })
        .add_edge(graph::kStart, "chatbot")
        .add_edge("chatbot", graph::kEnd);
    return compiled(graph);
  }

  std::unique_ptr<graph::CompiledGraph> build_context_graph() const {
    graph::StateGraph graph("context");
    graph
        .add_node(
            "answer",
            [this](const graph::State& state, graph::RunContext& context) -> graph::NodeResult {
              ChatRequest request = base_request(context);
              request.messages.push_back({"system", switchboard::sdk::text_field(state, "system_prompt"), ""});
              request.messages.push_back({"user",
                                          "Context document:\n\n" + switchboard::sdk::text_field(state, "context") +
                                              "\n\nTask: " + switchboard::sdk::text_field(state, "user_prompt"),
                                          ""});
              return call_model("answer", request, "answer", context);
            })
        .add_edge(graph::kStart, "answer")
        .add_edge("answer", graph::kEnd);
    return compiled(graph);
  }

  graph::RunOptions options(const std::string& run_id, json metadata, std::vector<json>& events) const {
    graph::RunOptions options;
    options.step_limit = step_limit_;
    options.run_id = run_id;
    options.checkpoints = host_.checkpoints();
    options.metadata = std::move(metadata);
    options.parallel = [this](const std::vector<std::function<void()>>& tasks) { host_.run_parallel(tasks); };
    options.on_event = [this, &events](const graph::NodeEvent& event) {
      json keys = json::array();
      for (const auto& item : event.update.items()) keys.push_back(item.key());
      events.push_back({{"step", event.step}, {"node", event.node}, {"updated", keys}});
      host_.emit_event({{"type", "node"}, {"step", event.step}, {"node", event.node}, {"update", event.update}});
    };
    return options;
  }

  // Runs a built-in graph and answers the state field `text_key` as the text.
  tl::expected<TaskResult, TaskError> finish(const graph::CompiledGraph& graph, const json& input,
                                             const std::string& text_key, graph::RunContext& context) const {
    std::vector<json> events;
    const std::string run_id = new_run_id();
    auto state = graph.invoke(input, context, options(run_id, {{"graph", graph.name()}}, events));
    if (!state) return tl::unexpected(state.error());
    TaskResult result;
    result.text = switchboard::sdk::text_field(*state, text_key);
    result.steps = std::move(context.steps);
    result.output = {{"style", "langgraph"}, {"run_id", run_id}, {"events", events}};
    return result;
  }

  tl::expected<TaskResult, TaskError> run_workflow(const json& input, graph::RunContext& context) const {
    const std::string name = switchboard::sdk::text_field(input, "workflow");
    auto loaded = workflow::load_workflow(workflows_dir_, name, prompts_dir_);
    if (!loaded || loaded->framework != "graph") {
      return tl::unexpected(
          TaskError{"NOT_FOUND", loaded ? "workflow \"" + name + "\" is not a graph" : loaded.error(), 404});
    }
    auto spec = std::make_shared<const workflow::WorkflowSpec>(std::move(*loaded));
    auto graph = graph::build_workflow_graph(spec);
    if (!graph)
      return tl::unexpected(TaskError{"INVALID_WORKFLOW", "workflow \"" + name + "\": " + graph.error(), 500});

    std::vector<json> events;
    const std::string resume_id = switchboard::sdk::text_field(input, "run_id");
    graph::Result state = tl::unexpected(TaskError{});
    std::string run_id = resume_id;
    if (!resume_id.empty()) {
      auto* store = host_.checkpoints();
      auto checkpoint = store ? store->latest(resume_id) : std::nullopt;
      if (!checkpoint) return tl::unexpected(TaskError{"NOT_FOUND", "no run " + resume_id, 404});
      auto run_options = options(run_id, checkpoint->metadata, events);
      run_options.step_limit = spec->step_limit;
      state = graph->resume(*checkpoint, context, run_options);
    } else {
      const json arguments = input.contains("input") ? input["input"] : json::object();
      if (auto details = workflow::check_inputs(*spec, arguments); !details.empty()) {
        return tl::unexpected(
            TaskError{"VALIDATION_ERROR", "invalid workflow input: " + workflow::describe_problems(details), 422});
      }
      run_id = new_run_id();
      auto run_options = options(run_id, {{"workflow", name}}, events);
      run_options.step_limit = spec->step_limit;
      state = graph->invoke(workflow::initial_state(*spec, arguments), context, run_options);
    }
    if (!state) {
      auto error = state.error();
      error.message += " (run " + run_id + ")";
      return tl::unexpected(error);
    }
    TaskResult result;
    result.text = workflow::output_text(*spec, *state);
    result.steps = std::move(context.steps);
    result.output = {
        {"style", "langgraph"}, {"workflow", name}, {"run_id", run_id}, {"events", events}, {"state", *state}};
    return result;
  }

  static json describe(const workflow::WorkflowSpec& spec) {
    json steps = json::array();
    for (const auto& step : spec.steps) steps.push_back(step.name);
    json inputs = json::array();
    for (const auto& input : spec.inputs) inputs.push_back({{"name", input.name}, {"required", input.required}});
    return {{"name", spec.name},
            {"description", spec.description},
            {"framework", spec.framework},
            {"inputs", inputs},
            {"steps", steps}};
  }

  HostServices& host_;
  std::optional<double> temperature_;
  std::optional<int> max_tokens_;
  std::string model_;
  int step_limit_ = 25;
  std::string workflows_dir_;
  std::string prompts_dir_;
  Prompt storyteller_;
  Prompt editor_;
  std::unique_ptr<graph::CompiledGraph> story_;
  std::unique_ptr<graph::CompiledGraph> chat_;
  std::unique_ptr<graph::CompiledGraph> context_;
};

std::shared_ptr<Plugin> make_graph(const json& config, HostServices& host) {
  return std::make_shared<GraphFramework>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::framework, "graph", "1.0.0",
                   "LangGraph style: state graphs with reducers, conditional edges, parallel steps, checkpoints",
                   make_graph)
