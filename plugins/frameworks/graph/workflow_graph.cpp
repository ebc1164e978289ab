#include "workflow_graph.hpp"

#include "../workflow/workflow_step.hpp"

namespace graph {
namespace {

std::string node_name(const std::string& written) {
  if (written == "START") return kStart;
  if (written == "END") return kEnd;
  return written;
}

}  // namespace

tl::expected<CompiledGraph, std::string> build_workflow_graph(std::shared_ptr<const workflow::WorkflowSpec> shared) {
  const workflow::WorkflowSpec& spec = *shared;
  StateGraph graph(spec.name);
  graph.add_key("step_metadata", Reducer::append);
  for (const auto& [key, reducer] : spec.reducers) {
    graph.add_key(key, reducer == "append" ? Reducer::append : Reducer::replace);
  }
  for (std::size_t i = 0; i < spec.steps.size(); ++i) {
    // The nodes share the spec, so the graph outlives whoever loaded it.
    graph.add_node(spec.steps[i].name, [shared, i](const State& state, RunContext& context) -> NodeResult {
      const auto& step = shared->steps[i];
      auto output =
          workflow::run_step(*shared, step, state, {context.llm, context.request_id, context.transaction_guid});
      if (!output) return tl::unexpected(output.error());
      context.record(output->record);
      return Update{{step.output.key, output->value}, {"step_metadata", Update::array({output->metadata})}};
    });
  }
  if (spec.edges.empty()) {
    graph.add_edge(kStart, spec.steps.front().name);
    for (std::size_t i = 0; i + 1 < spec.steps.size(); ++i) graph.add_edge(spec.steps[i].name, spec.steps[i + 1].name);
    graph.add_edge(spec.steps.back().name, kEnd);
  }
  for (const auto& edge : spec.edges) {
    const std::string from = node_name(edge.from);
    for (const auto& to : edge.to) graph.add_edge(from, node_name(to));
    if (edge.when.empty()) continue;
    auto names = [](const std::vector<std::string>& written) {
      std::vector<std::string> out;
      for (const auto& name : written) out.push_back(node_name(name));
      return out;
    };
    std::vector<std::string> targets = names(edge.otherwise);
    for (const auto& condition : edge.when) {
      for (const auto& to : names(condition.to)) targets.push_back(to);
    }
    graph.add_conditional_edges(
        from,
        [edge, names](const State& state) {
          for (const auto& condition : edge.when) {
            if (workflow::condition_holds(condition, state)) return names(condition.to);
          }
          return names(edge.otherwise);
        },
        targets);
  }
  return graph.compile();
}

}  // namespace graph
