#pragma once
// A declarative workflow (../workflow/workflow.hpp, `framework: chain`) as a runnable: one
// lambda per step, composed into a sequence. Each takes the state so far (the input's fields
// and every earlier step's output key) and adds its own output and step_metadata.

#include <memory>

#include "../workflow/workflow.hpp"
#include "runnable.hpp"

namespace chain {

RunnablePtr workflow_chain(std::shared_ptr<const workflow::WorkflowSpec> spec);

}  // namespace chain
