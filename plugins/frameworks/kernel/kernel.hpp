#pragma once
// A small Semantic Kernel: a kernel holds named plugins of functions — prompt functions
// (templates with {{$var}} arguments and execution settings, answered by the host's LLM
// client) and native C++ functions — invoked by plugin and function name with arguments,
// through function filters (before/after each invocation, middleware style). Chat keeps its
// history in a ChatHistory.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/framework.hpp>
#include <switchboard/plugin/host_services.hpp>

namespace kernel {

using Arguments = nlohmann::json;  // KernelArguments: an object of named values

struct ExecutionSettings {
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  std::string model;  // empty: the provider instance's default
};

// What an invocation produced: the text, and a record per LLM call it made.
struct FunctionResult {
  std::string text;
  std::vector<switchboard::plugin::StepRecord> steps;
};
using Outcome = tl::expected<FunctionResult, switchboard::plugin::TaskError>;

class Kernel;

class Function {
 public:
  explicit Function(std::string name) : name_(std::move(name)) {}
  virtual ~Function() = default;
  const std::string& name() const { return name_; }
  virtual Outcome invoke(Kernel& kernel, const Arguments& arguments) const = 0;

 private:
  std::string name_;
};

// A prompt function: a system and a user template rendered with the arguments, sent with the
// settings. An argument the templates use but the call lacks is an error (422).
std::shared_ptr<Function> prompt_function(std::string name, std::string system_template, std::string user_template,
                                          ExecutionSettings settings = {});
// A native function: C++ that may itself invoke other functions through the kernel.
std::shared_ptr<Function> native_function(std::string name, std::function<Outcome(Kernel&, const Arguments&)> body);

// What a filter sees: which function, its arguments (changeable before `next`), and the
// outcome (readable and changeable after `next`).
struct InvocationContext {
  const std::string& plugin;
  const std::string& function;
  Arguments& arguments;
  std::optional<Outcome>& outcome;
};
// Runs around an invocation; must call `next` to let it (and later filters) run, or set the
// outcome itself to short-circuit.
using Filter = std::function<void(InvocationContext& context, const std::function<void()>& next)>;

class ChatHistory {
 public:
  void add(std::string role, std::string content) { messages_.push_back({std::move(role), std::move(content), ""}); }
  void add_system(std::string content) { add("system", std::move(content)); }
  void add_user(std::string content) { add("user", std::move(content)); }
  void add_assistant(std::string content) { add("assistant", std::move(content)); }
  const std::vector<switchboard::plugin::ChatMessage>& messages() const { return messages_; }

 private:
  std::vector<switchboard::plugin::ChatMessage> messages_;
};

class Kernel {
 public:
  Kernel(switchboard::plugin::LlmClient& llm, std::string request_id = {}, std::string transaction_guid = {})
      : llm_(llm), request_id_(std::move(request_id)), transaction_guid_(std::move(transaction_guid)) {}

  Kernel& add_plugin(const std::string& plugin, const std::vector<std::shared_ptr<Function>>& functions);
  Kernel& add_filter(Filter filter);
  bool has_function(const std::string& plugin, const std::string& function) const;

  // Invokes plugin.function through every filter, in the order they were added.
  Outcome invoke(const std::string& plugin, const std::string& function, Arguments arguments);

  // The chat completion service: the history's messages, answered with the settings; the
  // answer is appended to the history.
  Outcome chat(ChatHistory& history, const ExecutionSettings& settings, const std::string& step_name = "chat");

 private:
  switchboard::plugin::LlmClient& llm_;
  std::string request_id_;
  std::string transaction_guid_;
  std::map<std::string, std::map<std::string, std::shared_ptr<Function>>> plugins_;
  std::vector<Filter> filters_;
};

}  // namespace kernel
