#pragma once
// A declarative workflow (../workflow/workflow.hpp) as a state graph: each step a node that
// runs the model (workflow_step.hpp) and writes its output key and its step_metadata; edges as
// written (conditions become routers), or the steps in order when there are none.

#include <memory>

#include <tl/expected.hpp>

#include "../workflow/workflow.hpp"
#include "state_graph.hpp"

namespace graph {

tl::expected<CompiledGraph, std::string> build_workflow_graph(std::shared_ptr<const workflow::WorkflowSpec> spec);

}  // namespace graph
