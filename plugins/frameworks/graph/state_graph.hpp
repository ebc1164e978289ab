#pragma once
// A small LangGraph: a state graph over a JSON state.
//
// - The state is a JSON object; each key has a reducer that merges node updates into it:
//   `replace` (the default) or `append` (lists grow, e.g. messages).
// - Nodes read the state and return an update (an object of keys to merge).
// - Edges: fixed (`add_edge`), or conditional (`add_conditional_edges`: a router reads the
//   merged state and names the next node, or END). START and END are the graph's ends.
// - Execution is in supersteps: every node due in a step runs on the same state, at the same
//   time (through the host's `run_parallel`), and their updates merge in node-name order, so
//   a run is deterministic. Two nodes replacing the same key in one step is an error. The
//   nodes due next are the successors of the nodes that ran (a join node runs once).
// - A step limit stops graphs that loop. After each step a checkpoint (state, next nodes,
//   status) goes to the host's checkpoint store, and `resume` carries a run on from its last
//   checkpoint — after a failed step, that step runs again.
// - Each node's update is told to `on_event` as it merges (streaming of node events).

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/framework.hpp>
#include <switchboard/plugin/host_services.hpp>

namespace graph {

using State = nlohmann::json;
using Update = nlohmann::json;
using switchboard::plugin::TaskError;
using Result = tl::expected<State, TaskError>;

inline const std::string kStart = "__start__";
inline const std::string kEnd = "__end__";

enum class Reducer { replace, append };

// What a run shares with its nodes: the LLM client, the ids to send upstream, and the record
// of each model call (nodes of one step add to it from several threads).
struct RunContext {
  switchboard::plugin::LlmClient& llm;
  std::string request_id;
  std::string transaction_guid;
  std::vector<switchboard::plugin::StepRecord> steps;
  std::mutex steps_mutex;

  void record(switchboard::plugin::StepRecord step) {
    std::lock_guard lock(steps_mutex);
    steps.push_back(std::move(step));
  }
};

using NodeResult = tl::expected<Update, TaskError>;
using Node = std::function<NodeResult(const State& state, RunContext& context)>;
// Names the next nodes (or kEnd) from the state after the step: one, or several that run
// together in the next step (a fan-out).
using Router = std::function<std::vector<std::string>(const State& state)>;

struct NodeEvent {
  int step = 0;
  std::string node;
  Update update;
};

struct RunOptions {
  int step_limit = 25;
  std::string run_id;  // empty: no checkpoints
  switchboard::plugin::CheckpointStore* checkpoints = nullptr;
  nlohmann::json metadata = nlohmann::json::object();  // saved with each checkpoint
  // Runs a step's nodes at the same time (HostServices::run_parallel); unset: one by one.
  std::function<void(const std::vector<std::function<void()>>&)> parallel;
  std::function<void(const NodeEvent&)> on_event;
};

class CompiledGraph;

class StateGraph {
 public:
  explicit StateGraph(std::string name) : name_(std::move(name)) {}
  StateGraph& add_key(const std::string& key, Reducer reducer);
  StateGraph& add_node(const std::string& name, Node node);
  StateGraph& add_edge(const std::string& from, const std::string& to);
  // `targets`: every node the router may name (kEnd included when it may end), checked at
  // compile time and at run time.
  StateGraph& add_conditional_edges(const std::string& from, Router router, std::vector<std::string> targets);
  // Checks the graph: edges name known nodes, START has a successor, every node is reachable.
  tl::expected<CompiledGraph, std::string> compile() const;

 private:
  friend class CompiledGraph;
  struct Conditional {
    Router router;
    std::vector<std::string> targets;
  };
  std::string name_;
  std::map<std::string, Reducer> reducers_;
  std::map<std::string, Node> nodes_;
  std::map<std::string, std::vector<std::string>> edges_;
  std::map<std::string, Conditional> conditionals_;
};

class CompiledGraph {
 public:
  const std::string& name() const { return graph_.name_; }
  // A fresh run from START with `input` merged into an empty state.
  Result invoke(const State& input, RunContext& context, const RunOptions& options) const;
  // Carries on the run of `checkpoint` (a finished run answers its final state again).
  Result resume(const switchboard::plugin::Checkpoint& checkpoint, RunContext& context,
                const RunOptions& options) const;
  // Merges `update` into `state` with the graph's reducers.
  void merge(State& state, const Update& update) const;

 private:
  friend class StateGraph;
  explicit CompiledGraph(StateGraph graph) : graph_(std::move(graph)) {}
  Result run(State state, std::vector<std::string> next, int step, RunContext& context,
             const RunOptions& options) const;
  tl::expected<std::vector<std::string>, TaskError> successors(const std::string& node, const State& state) const;
  StateGraph graph_;
};

}  // namespace graph
