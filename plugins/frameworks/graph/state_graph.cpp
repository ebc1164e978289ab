#include "state_graph.hpp"

#include <algorithm>
#include <deque>

namespace graph {
namespace {

TaskError error(std::string code, std::string message, int status = 500) {
  return TaskError{std::move(code), std::move(message), status};
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

StateGraph& StateGraph::add_key(const std::string& key, Reducer reducer) {
  reducers_[key] = reducer;
  return *this;
}

StateGraph& StateGraph::add_node(const std::string& name, Node node) {
  nodes_[name] = std::move(node);
  return *this;
}

StateGraph& StateGraph::add_edge(const std::string& from, const std::string& to) {
  auto& targets = edges_[from];
  if (!contains(targets, to)) targets.push_back(to);
  return *this;
}

StateGraph& StateGraph::add_conditional_edges(const std::string& from, Router router,
                                              std::vector<std::string> targets) {
  conditionals_[from] = {std::move(router), std::move(targets)};
  return *this;
}

tl::expected<CompiledGraph, std::string> StateGraph::compile() const {
  auto known = [this](const std::string& node) { return node == kEnd || nodes_.count(node) > 0; };
  std::map<std::string, std::vector<std::string>> successors = edges_;
  for (const auto& [from, conditional] : conditionals_) {
    for (const auto& to : conditional.targets) successors[from].push_back(to);
  }
  for (const auto& [from, targets] : successors) {
    if (from != kStart && !nodes_.count(from)) return tl::unexpected("edge from unknown node \"" + from + "\"");
    for (const auto& to : targets) {
      if (to == kStart || !known(to))
        return tl::unexpected("edge from \"" + from + "\" to unknown node \"" + to + "\"");
    }
  }
  if (successors[kStart].empty()) return tl::unexpected(std::string("graph \"" + name_ + "\" has no edge from START"));
  // Every node must be reachable from START, else it is a mistake in the graph.
  std::set<std::string> reached;
  std::deque<std::string> queue{kStart};
  while (!queue.empty()) {
    const std::string node = queue.front();
    queue.pop_front();
    for (const auto& to : successors[node]) {
      if (to != kEnd && reached.insert(to).second) queue.push_back(to);
    }
  }
  for (const auto& [name, node] : nodes_) {
    if (!reached.count(name)) return tl::unexpected("node \"" + name + "\" cannot be reached from START");
  }
  return CompiledGraph(*this);
}

void CompiledGraph::merge(State& state, const Update& update) const {
  if (!update.is_object()) return;
  for (const auto& [key, value] : update.items()) {
    const auto reducer = graph_.reducers_.find(key);
    if (reducer == graph_.reducers_.end() || reducer->second == Reducer::replace) {
      state[key] = value;
      continue;
    }
    auto& list = state[key];
    if (!list.is_array()) list = State::array();
    if (value.is_array()) {
      for (const auto& item : value) list.push_back(item);
    } else {
      list.push_back(value);
    }
  }
}

tl::expected<std::vector<std::string>, TaskError> CompiledGraph::successors(const std::string& node,
                                                                            const State& state) const {
  std::vector<std::string> next;
  if (const auto fixed = graph_.edges_.find(node); fixed != graph_.edges_.end()) next = fixed->second;
  if (const auto conditional = graph_.conditionals_.find(node); conditional != graph_.conditionals_.end()) {
    for (const auto& chosen : conditional->second.router(state)) {
      if (!contains(conditional->second.targets, chosen)) {
        return tl::unexpected(
            error("INVALID_ROUTE", "the router after \"" + node + "\" chose \"" + chosen + "\", which it may not"));
      }
      next.push_back(chosen);
    }
  }
  return next;
}

Result CompiledGraph::invoke(const State& input, RunContext& context, const RunOptions& options) const {
  State state = State::object();
  merge(state, input);
  auto first = successors(kStart, state);
  if (!first) return tl::unexpected(first.error());
  return run(std::move(state), std::move(*first), 0, context, options);
}

Result CompiledGraph::resume(const switchboard::plugin::Checkpoint& checkpoint, RunContext& context,
                             const RunOptions& options) const {
  if (checkpoint.graph != name()) {
    return tl::unexpected(
        error("INVALID_REQUEST", "run " + checkpoint.run_id + " belongs to \"" + checkpoint.graph + "\"", 409));
  }
  return run(checkpoint.state, checkpoint.next, checkpoint.step, context, options);
}

Result CompiledGraph::run(State state, std::vector<std::string> next, int step, RunContext& context,
                          const RunOptions& options) const {
  auto save = [&](const std::string& status, const std::vector<std::string>& due) {
    if (!options.checkpoints || options.run_id.empty()) return;
    options.checkpoints->save({options.run_id, name(), step, state, due, status, options.metadata});
  };
  next.erase(std::remove(next.begin(), next.end(), kEnd), next.end());
  while (!next.empty()) {
    if (step >= options.step_limit) {
      save("failed", next);
      return tl::unexpected(error("STEP_LIMIT_EXCEEDED", "graph \"" + name() + "\" did not end within " +
                                                             std::to_string(options.step_limit) + " steps"));
    }
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    for (const auto& node : next) {
      if (!graph_.nodes_.count(node)) return tl::unexpected(error("INVALID_REQUEST", "no node \"" + node + "\"", 409));
    }
    // Every node of the step reads the same state; their updates merge afterwards.
    std::vector<NodeResult> results(next.size(), tl::unexpected(error("INTERNAL_ERROR", "node did not run")));
    std::vector<std::function<void()>> tasks;
    for (std::size_t i = 0; i < next.size(); ++i) {
      tasks.emplace_back([this, &results, &next, &state, &context, i] {
        try {
          results[i] = graph_.nodes_.at(next[i])(state, context);
        } catch (const std::exception& e) {
          results[i] = tl::unexpected(error("INTERNAL_ERROR", "node \"" + next[i] + "\" failed: " + e.what()));
        }
      });
    }
    if (options.parallel && tasks.size() > 1) {
      options.parallel(tasks);
    } else {
      for (const auto& task : tasks) task();
    }
    for (const auto& result : results) {
      if (!result) {
        save("failed", next);  // resuming runs this step again
        return tl::unexpected(result.error());
      }
    }
    std::set<std::string> replaced;
    State merged = state;
    for (std::size_t i = 0; i < next.size(); ++i) {
      const Update& update = *results[i];
      if (!update.is_object() && !update.is_null()) {
        save("failed", next);
        return tl::unexpected(error("INVALID_UPDATE", "node \"" + next[i] + "\" returned no object"));
      }
      if (update.is_null()) continue;
      for (const auto& [key, value] : update.items()) {
        const auto reducer = graph_.reducers_.find(key);
        const bool replaces = reducer == graph_.reducers_.end() || reducer->second == Reducer::replace;
        if (replaces && !replaced.insert(key).second) {
          save("failed", next);
          return tl::unexpected(error("INVALID_UPDATE", "two nodes of one step replaced \"" + key + "\""));
        }
      }
      merge(merged, update);
      if (options.on_event) options.on_event({step + 1, next[i], update});
    }
    state = std::move(merged);
    std::vector<std::string> due;
    for (const auto& node : next) {
      auto after = successors(node, state);
      if (!after) {
        save("failed", next);
        return tl::unexpected(after.error());
      }
      for (auto& to : *after)
        if (to != kEnd) due.push_back(std::move(to));
    }
    std::sort(due.begin(), due.end());
    due.erase(std::unique(due.begin(), due.end()), due.end());  // a join runs once
    ++step;
    next = std::move(due);
    save(next.empty() ? "done" : "running", next);
  }
  return state;
}

}  // namespace graph
