// Workflows are YAML an operator writes: any text must load or be refused with a reason,
// never crash; a workflow that loads must build a graph or be refused, and its conditions and
// input checks must hold up against any state.
#include <cstddef>
#include <cstdint>
#include <string>

#include "../../plugins/frameworks/graph/workflow_graph.hpp"
#include "../../plugins/frameworks/workflow/workflow.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto spec = workflow::parse_workflow(text, "/nonexistent");
  if (!spec) {
    if (spec.error().empty()) __builtin_trap();
    return 0;
  }
  auto shared = std::make_shared<const workflow::WorkflowSpec>(std::move(*spec));
  auto graph = graph::build_workflow_graph(shared);
  if (!graph && graph.error().empty()) __builtin_trap();
  const nlohmann::json state = {{"a", {{"b", 1}}}, {"s", "text"}, {"n", 2.5}, {"l", nlohmann::json::array({1, "x"})}};
  for (const auto& edge : shared->edges) {
    for (const auto& condition : edge.when) (void)workflow::condition_holds(condition, state);
  }
  (void)workflow::check_inputs(*shared, state);
  (void)workflow::output_text(*shared, workflow::initial_state(*shared, state));
  return 0;
}
