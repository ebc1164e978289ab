#include "kernel.hpp"

#include <chrono>

#include <switchboard/sdk/prompt_template.hpp>

namespace kernel {
namespace {

using switchboard::plugin::TaskError;

class PromptFunction final : public Function {
 public:
  PromptFunction(std::string name, std::string system_template, std::string user_template, ExecutionSettings settings)
      : Function(std::move(name)),
        system_(std::move(system_template)),
        user_(std::move(user_template)),
        settings_(std::move(settings)) {}

  Outcome invoke(Kernel& kernel, const Arguments& arguments) const override {
    ChatHistory history;
    for (const auto& [role, text] : {std::pair{"system", &system_}, std::pair{"user", &user_}}) {
      if (text->empty()) continue;
      auto rendered = switchboard::sdk::render_kernel_template(*text, arguments);
      if (!rendered) return tl::unexpected(TaskError{"VALIDATION_ERROR", rendered.error(), 422});
      history.add(role, std::move(*rendered));
    }
    return kernel.chat(history, settings_, name());
  }

 private:
  std::string system_;
  std::string user_;
  ExecutionSettings settings_;
};

class NativeFunction final : public Function {
 public:
  NativeFunction(std::string name, std::function<Outcome(Kernel&, const Arguments&)> body)
      : Function(std::move(name)), body_(std::move(body)) {}
  Outcome invoke(Kernel& kernel, const Arguments& arguments) const override { return body_(kernel, arguments); }

 private:
  std::function<Outcome(Kernel&, const Arguments&)> body_;
};

}  // namespace

std::shared_ptr<Function> prompt_function(std::string name, std::string system_template, std::string user_template,
                                          ExecutionSettings settings) {
  return std::make_shared<PromptFunction>(std::move(name), std::move(system_template), std::move(user_template),
                                          std::move(settings));
}

std::shared_ptr<Function> native_function(std::string name, std::function<Outcome(Kernel&, const Arguments&)> body) {
  return std::make_shared<NativeFunction>(std::move(name), std::move(body));
}

Kernel& Kernel::add_plugin(const std::string& plugin, const std::vector<std::shared_ptr<Function>>& functions) {
  auto& named = plugins_[plugin];
  for (const auto& function : functions) named[function->name()] = function;
  return *this;
}

Kernel& Kernel::add_filter(Filter filter) {
  filters_.push_back(std::move(filter));
  return *this;
}

bool Kernel::has_function(const std::string& plugin, const std::string& function) const {
  auto it = plugins_.find(plugin);
  return it != plugins_.end() && it->second.count(function) > 0;
}

Outcome Kernel::invoke(const std::string& plugin, const std::string& function, Arguments arguments) {
  auto p = plugins_.find(plugin);
  if (p == plugins_.end() || !p->second.count(function)) {
    return tl::unexpected(TaskError{"NOT_FOUND", "no kernel function " + plugin + "." + function, 404});
  }
  const auto& target = p->second.at(function);
  if (!arguments.is_object()) arguments = Arguments::object();
  std::optional<Outcome> outcome;
  InvocationContext context{plugin, function, arguments, outcome};
  // filters_[0] wraps filters_[1] … wraps the function itself.
  std::function<void(std::size_t)> run = [&](std::size_t index) {
    if (index == filters_.size()) {
      outcome = target->invoke(*this, context.arguments);
      return;
    }
    filters_[index](context, [&, index] { run(index + 1); });
  };
  run(0);
  if (!outcome) return tl::unexpected(TaskError{"FILTERED", "a filter stopped " + plugin + "." + function, 500});
  return std::move(*outcome);
}

Outcome Kernel::chat(ChatHistory& history, const ExecutionSettings& settings, const std::string& step_name) {
  switchboard::plugin::ChatRequest request;
  request.messages = history.messages();
  request.model = settings.model;
  request.temperature = settings.temperature;
  request.max_tokens = settings.max_tokens;
  request.request_id = request_id_;
  request.transaction_guid = transaction_guid_;
  const auto started = std::chrono::steady_clock::now();
  auto answer = llm_.complete(request);
  if (!answer)
    return tl::unexpected(
        TaskError{answer.error().code, answer.error().message, answer.error().http_status, answer.error().details});
  history.add_assistant(answer->content);
  FunctionResult result;
  result.text = answer->content;
  result.steps.push_back(
      {step_name, answer->model, answer->provider, answer->usage,
       std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()});
  return result;
}

}  // namespace kernel
