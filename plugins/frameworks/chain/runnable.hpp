#pragma once
// A small LangChain: runnables with invoke, batch and stream, composed with `|` into
// sequences — prompt templates, the chat model (the host's LLM client), output parsers (string,
// JSON), lambdas, passthrough, parallel maps, branches, retries and fallbacks.
//
// Values between runnables are JSON: a prompt makes {"messages": [...]}, the model answers
// {"role": "assistant", "content": …}, parsers turn that into a string or a JSON value.
// Parallel maps and batches run their parts one after another on the calling thread: the
// host's LLM client attributes calls to the request through the calling thread.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/framework.hpp>
#include <switchboard/plugin/host_services.hpp>

namespace chain {

using Value = nlohmann::json;
using Result = tl::expected<Value, switchboard::plugin::TaskError>;
using OnChunk = std::function<void(const std::string& text)>;

// What a run shares: the LLM client, the ids to send upstream, and a record of each LLM call.
struct Context {
  switchboard::plugin::LlmClient& llm;
  std::string request_id;
  std::string transaction_guid;
  std::vector<switchboard::plugin::StepRecord> steps;
};

class Runnable {
 public:
  virtual ~Runnable() = default;
  virtual Result invoke(const Value& input, Context& context) const = 0;
  // Each input in turn; one result per input (a failure does not stop the others).
  std::vector<Result> batch(const std::vector<Value>& inputs, Context& context) const;
  // Like invoke, telling text as it is produced; by default all at once at the end.
  virtual Result stream(const Value& input, Context& context, const OnChunk& on_chunk) const;
  // Whether stream() produces text before it ends (the model does; a sequence when it ends
  // in a model and parsers).
  virtual bool streams() const { return false; }
};
using RunnablePtr = std::shared_ptr<const Runnable>;

struct ModelSettings {
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  std::string model;
  std::string step_name = "model";
};

// A sequence: the output of each is the input of the next.
RunnablePtr operator|(RunnablePtr first, RunnablePtr second);

// Renders f-string templates ({var}) with the input object into {"messages": [system, user]}.
RunnablePtr prompt(std::string system_template, std::string user_template);
// {"messages": [...]} (or a string, as one user message) → {"role": "assistant", "content": …}.
RunnablePtr chat_model(ModelSettings settings = {});
// The content of a model answer (or a string as it is).
RunnablePtr string_parser();
// The content parsed as JSON (a ```json fence around it is allowed); not JSON → error 502.
RunnablePtr json_parser();
RunnablePtr lambda(std::function<Result(const Value&, Context&)> body);
RunnablePtr passthrough();
// Runs each on the same input; an object of their outputs by name.
RunnablePtr parallel(std::vector<std::pair<std::string, RunnablePtr>> parts);
// The first whose condition holds on the input runs; else `otherwise`.
RunnablePtr branch(std::vector<std::pair<std::function<bool(const Value&)>, RunnablePtr>> cases, RunnablePtr otherwise);
// Tries again on failure, up to `attempts` tries in all.
RunnablePtr with_retry(RunnablePtr runnable, int attempts);
// On failure, tries each fallback in order with the same input.
RunnablePtr with_fallbacks(RunnablePtr runnable, std::vector<RunnablePtr> fallbacks);

}  // namespace chain
