#include "runnable.hpp"

#include <chrono>

#include <switchboard/sdk/json_fields.hpp>
#include <switchboard/sdk/prompt_template.hpp>

namespace chain {
namespace {

using switchboard::plugin::ChatMessage;
using switchboard::plugin::TaskError;

TaskError error(std::string code, std::string message, int status) {
  return TaskError{std::move(code), std::move(message), status};
}

class Sequence final : public Runnable {
 public:
  explicit Sequence(std::vector<RunnablePtr> steps) : steps_(std::move(steps)) {}
  const std::vector<RunnablePtr>& steps() const { return steps_; }

  Result invoke(const Value& input, Context& context) const override {
    Value value = input;
    for (const auto& step : steps_) {
      auto next = step->invoke(value, context);
      if (!next) return next;
      value = std::move(*next);
    }
    return value;
  }
  // Streams the last step that streams; the steps before it are invoked, those after it
  // (parsers) are invoked on its output.
  Result stream(const Value& input, Context& context, const OnChunk& on_chunk) const override {
    std::size_t streaming = steps_.size();
    for (std::size_t i = steps_.size(); i-- > 0;) {
      if (steps_[i]->streams()) {
        streaming = i;
        break;
      }
    }
    if (streaming == steps_.size()) return Runnable::stream(input, context, on_chunk);
    Value value = input;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      auto next = i == streaming ? steps_[i]->stream(value, context, on_chunk) : steps_[i]->invoke(value, context);
      if (!next) return next;
      value = std::move(*next);
    }
    return value;
  }
  bool streams() const override {
    for (const auto& step : steps_)
      if (step->streams()) return true;
    return false;
  }

 private:
  std::vector<RunnablePtr> steps_;
};

class Prompt final : public Runnable {
 public:
  Prompt(std::string system, std::string user) : system_(std::move(system)), user_(std::move(user)) {}
  Result invoke(const Value& input, Context&) const override {
    const Value arguments = input.is_object() ? input : Value{{"input", input}};
    Value messages = Value::array();
    for (const auto& [role, text] : {std::pair{"system", &system_}, std::pair{"user", &user_}}) {
      if (text->empty()) continue;
      auto rendered = switchboard::sdk::render_fstring_template(*text, arguments);
      if (!rendered) return tl::unexpected(error("VALIDATION_ERROR", rendered.error(), 422));
      messages.push_back({{"role", role}, {"content", *rendered}});
    }
    return Value{{"messages", messages}};
  }

 private:
  std::string system_;
  std::string user_;
};

class ChatModel final : public Runnable {
 public:
  explicit ChatModel(ModelSettings settings) : settings_(std::move(settings)) {}
  Result invoke(const Value& input, Context& context) const override { return call(input, context, nullptr); }
  Result stream(const Value& input, Context& context, const OnChunk& on_chunk) const override {
    return call(input, context, &on_chunk);
  }
  bool streams() const override { return true; }

 private:
  Result call(const Value& input, Context& context, const OnChunk* on_chunk) const {
    switchboard::plugin::ChatRequest request;
    if (input.is_string()) {
      request.messages.push_back({"user", input.get<std::string>(), ""});
    } else if (input.is_object() && input.contains("messages") && input["messages"].is_array()) {
      for (const auto& m : input["messages"]) {
        request.messages.push_back(
            {switchboard::sdk::text_field(m, "role", "user"), switchboard::sdk::text_field(m, "content"), ""});
      }
    } else {
      return tl::unexpected(error("INVALID_REQUEST", "the model needs messages or text", 500));
    }
    request.model = settings_.model;
    request.temperature = settings_.temperature;
    request.max_tokens = settings_.max_tokens;
    request.request_id = context.request_id;
    request.transaction_guid = context.transaction_guid;
    const auto started = std::chrono::steady_clock::now();
    auto answer = on_chunk ? context.llm.stream(request,
                                                [&](const switchboard::plugin::ChatChunk& chunk) {
                                                  if (!chunk.delta.empty()) (*on_chunk)(chunk.delta);
                                                  return true;
                                                })
                           : context.llm.complete(request);
    if (!answer) {
      return tl::unexpected(
          TaskError{answer.error().code, answer.error().message, answer.error().http_status, answer.error().details});
    }
    context.steps.push_back(
        {settings_.step_name, answer->model, answer->provider, answer->usage,
         std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()});
    return Value{{"role", "assistant"}, {"content", answer->content}};
  }
  ModelSettings settings_;
};

std::string content_of(const Value& input) {
  if (input.is_string()) return input.get<std::string>();
  return switchboard::sdk::text_field(input, "content");
}

class StringParser final : public Runnable {
 public:
  Result invoke(const Value& input, Context&) const override { return Value(content_of(input)); }
};

class JsonParser final : public Runnable {
 public:
  Result invoke(const Value& input, Context&) const override {
    std::string text = content_of(input);
    // Models often wrap JSON in a Markdown fence.
    if (auto fence = text.find("```"); fence != std::string::npos) {
      auto start = text.find('\n', fence);
      auto end = text.rfind("```");
      if (start != std::string::npos && end > start) text = text.substr(start + 1, end - start - 1);
    }
    auto parsed = Value::parse(text, nullptr, false);
    if (parsed.is_discarded())
      return tl::unexpected(error("OUTPUT_PARSER_ERROR", "the model's answer is not JSON", 502));
    return parsed;
  }
};

class Lambda final : public Runnable {
 public:
  explicit Lambda(std::function<Result(const Value&, Context&)> body) : body_(std::move(body)) {}
  Result invoke(const Value& input, Context& context) const override { return body_(input, context); }

 private:
  std::function<Result(const Value&, Context&)> body_;
};

class Passthrough final : public Runnable {
 public:
  Result invoke(const Value& input, Context&) const override { return input; }
};

class Parallel final : public Runnable {
 public:
  explicit Parallel(std::vector<std::pair<std::string, RunnablePtr>> parts) : parts_(std::move(parts)) {}
  Result invoke(const Value& input, Context& context) const override {
    Value out = Value::object();
    for (const auto& [name, part] : parts_) {
      auto result = part->invoke(input, context);
      if (!result) return result;
      out[name] = std::move(*result);
    }
    return out;
  }

 private:
  std::vector<std::pair<std::string, RunnablePtr>> parts_;
};

class Branch final : public Runnable {
 public:
  Branch(std::vector<std::pair<std::function<bool(const Value&)>, RunnablePtr>> cases, RunnablePtr otherwise)
      : cases_(std::move(cases)), otherwise_(std::move(otherwise)) {}
  Result invoke(const Value& input, Context& context) const override {
    for (const auto& [condition, runnable] : cases_) {
      if (condition(input)) return runnable->invoke(input, context);
    }
    return otherwise_->invoke(input, context);
  }

 private:
  std::vector<std::pair<std::function<bool(const Value&)>, RunnablePtr>> cases_;
  RunnablePtr otherwise_;
};

class Retry final : public Runnable {
 public:
  Retry(RunnablePtr runnable, int attempts) : runnable_(std::move(runnable)), attempts_(std::max(1, attempts)) {}
  Result invoke(const Value& input, Context& context) const override {
    Result result = tl::unexpected(error("INTERNAL_ERROR", "not run", 500));
    for (int attempt = 0; attempt < attempts_; ++attempt) {
      result = runnable_->invoke(input, context);
      if (result) break;
    }
    return result;
  }

 private:
  RunnablePtr runnable_;
  int attempts_;
};

class Fallbacks final : public Runnable {
 public:
  Fallbacks(RunnablePtr runnable, std::vector<RunnablePtr> fallbacks)
      : runnable_(std::move(runnable)), fallbacks_(std::move(fallbacks)) {}
  Result invoke(const Value& input, Context& context) const override {
    auto result = runnable_->invoke(input, context);
    for (const auto& fallback : fallbacks_) {
      if (result) break;
      result = fallback->invoke(input, context);
    }
    return result;
  }

 private:
  RunnablePtr runnable_;
  std::vector<RunnablePtr> fallbacks_;
};

}  // namespace

std::vector<Result> Runnable::batch(const std::vector<Value>& inputs, Context& context) const {
  std::vector<Result> out;
  out.reserve(inputs.size());
  for (const auto& input : inputs) out.push_back(invoke(input, context));
  return out;
}

Result Runnable::stream(const Value& input, Context& context, const OnChunk& on_chunk) const {
  auto result = invoke(input, context);
  if (result) on_chunk(result->is_string() ? result->get<std::string>() : result->dump());
  return result;
}

RunnablePtr operator|(RunnablePtr first, RunnablePtr second) {
  std::vector<RunnablePtr> steps;
  for (const auto& part : {first, second}) {
    if (auto sequence = std::dynamic_pointer_cast<const Sequence>(part)) {
      steps.insert(steps.end(), sequence->steps().begin(), sequence->steps().end());
    } else {
      steps.push_back(part);
    }
  }
  return std::make_shared<Sequence>(std::move(steps));
}

RunnablePtr prompt(std::string system_template, std::string user_template) {
  return std::make_shared<Prompt>(std::move(system_template), std::move(user_template));
}
RunnablePtr chat_model(ModelSettings settings) { return std::make_shared<ChatModel>(std::move(settings)); }
RunnablePtr string_parser() { return std::make_shared<StringParser>(); }
RunnablePtr json_parser() { return std::make_shared<JsonParser>(); }
RunnablePtr lambda(std::function<Result(const Value&, Context&)> body) {
  return std::make_shared<Lambda>(std::move(body));
}
RunnablePtr passthrough() { return std::make_shared<Passthrough>(); }
RunnablePtr parallel(std::vector<std::pair<std::string, RunnablePtr>> parts) {
  return std::make_shared<Parallel>(std::move(parts));
}
RunnablePtr branch(std::vector<std::pair<std::function<bool(const Value&)>, RunnablePtr>> cases,
                   RunnablePtr otherwise) {
  return std::make_shared<Branch>(std::move(cases), std::move(otherwise));
}
RunnablePtr with_retry(RunnablePtr runnable, int attempts) {
  return std::make_shared<Retry>(std::move(runnable), attempts);
}
RunnablePtr with_fallbacks(RunnablePtr runnable, std::vector<RunnablePtr> fallbacks) {
  return std::make_shared<Fallbacks>(std::move(runnable), std::move(fallbacks));
}

}  // namespace chain
