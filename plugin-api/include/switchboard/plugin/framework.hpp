#pragma once
/// @file
/// The framework kind: a style of building LLM applications (kernel, chain, graph) that
/// runs named tasks and reaches models only through `HostServices::llm()`.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/chat.hpp>
#include <switchboard/plugin/plugin.hpp>

namespace switchboard::plugin {

/// One task to run, e.g. "story" with `{"primary_character": …}`.
struct TaskRequest {
  std::string task;                                 ///< task name (see `Framework::tasks`)
  nlohmann::json input = nlohmann::json::object();  ///< task arguments
  std::string request_id;                           ///< for `ChatRequest::request_id`
  std::string transaction_guid;                     ///< for `ChatRequest::transaction_guid`
};

/// One model call (or other step) made while running a task.
struct StepRecord {
  std::string name;          ///< step name, e.g. "storyteller"
  std::string model;         ///< model used (empty for steps without a model)
  std::string provider;      ///< provider instance used
  Usage usage;               ///< tokens used by the step
  double duration_ms = 0.0;  ///< wall time of the step
};

/// What a task produced. The host persists it; the framework never touches storage.
struct TaskResult {
  std::string text;                                  ///< the main text answer
  nlohmann::json output = nlohmann::json::object();  ///< structured output, task-specific
  std::vector<StepRecord> steps;                     ///< steps in the order they ended
};

/// Why a task failed.
struct TaskError {
  std::string code;       ///< e.g. "INVALID_REQUEST", "LLM_PROVIDER_ERROR", "TIMEOUT"
  std::string message;    ///< human-readable reason
  int http_status = 500;  ///< the status a client should see
  /// More fields of the error a client sees (pass on an `LlmError`'s); null for none.
  nlohmann::json details = nullptr;
};

/// The framework kind.
class Framework : public Plugin {
 public:
  /// Names of the tasks this framework can run.
  virtual std::vector<std::string> tasks() const = 0;
  /// Runs one task on the calling (worker) thread.
  virtual tl::expected<TaskResult, TaskError> run(const TaskRequest& request) = 0;
};

}  // namespace switchboard::plugin
