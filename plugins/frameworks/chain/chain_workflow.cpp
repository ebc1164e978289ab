#include "chain_workflow.hpp"

#include "../workflow/workflow_step.hpp"

namespace chain {

RunnablePtr workflow_chain(std::shared_ptr<const workflow::WorkflowSpec> spec) {
  RunnablePtr sequence = passthrough();
  for (std::size_t i = 0; i < spec->steps.size(); ++i) {
    sequence = sequence | lambda([spec, i](const Value& state, Context& context) -> Result {
                 const auto& step = spec->steps[i];
                 auto output = workflow::run_step(*spec, step, state,
                                                  {context.llm, context.request_id, context.transaction_guid});
                 if (!output) return tl::unexpected(output.error());
                 context.steps.push_back(output->record);
                 Value next = state;
                 next[step.output.key] = output->value;
                 next["step_metadata"].push_back(output->metadata);
                 return next;
               });
  }
  return sequence;
}

}  // namespace chain
