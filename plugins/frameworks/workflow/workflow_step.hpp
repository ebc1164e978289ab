#pragma once
// Runs one step of a declarative workflow: renders its prompts with the state, calls the
// model with the step's own model, temperature, token limit and timeout, and checks its
// output (the validation gate): JSON parsed and held to the step's schema. With validation
// on and strict, a bad output fails the run; not strict, it is kept with a warning.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/framework.hpp>
#include <switchboard/plugin/host_services.hpp>

#include "workflow.hpp"

namespace workflow {

struct StepCall {
  switchboard::plugin::LlmClient& llm;
  std::string request_id;
  std::string transaction_guid;
};

struct StepOutput {
  nlohmann::json value;                    // what goes to the state under output.key
  nlohmann::json metadata;                 // {step, model, tokens, duration_ms, warnings}
  switchboard::plugin::StepRecord record;  // for TaskResult::steps
};

tl::expected<StepOutput, switchboard::plugin::TaskError> run_step(const WorkflowSpec& spec, const StepSpec& step,
                                                                  const nlohmann::json& state, const StepCall& call);

}  // namespace workflow
