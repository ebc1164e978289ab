// The graph framework's primitives: reducers, edges, conditional edges, parallel steps,
// the step limit, checkpoints and resuming.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "../../plugins/frameworks/graph/state_graph.hpp"
#include "recording_llm.hpp"

namespace {

using graph::kEnd;
using graph::kStart;
using graph::NodeResult;
using graph::RunContext;
using graph::State;
using graph::Update;
using nlohmann::json;

// Keeps checkpoints in memory, like the host's store does in its database.
class MemoryCheckpoints final : public switchboard::plugin::CheckpointStore {
 public:
  void save(const switchboard::plugin::Checkpoint& checkpoint) override {
    std::lock_guard lock(mutex);
    saved.push_back(checkpoint);
  }
  std::optional<switchboard::plugin::Checkpoint> latest(const std::string& run_id) override {
    std::lock_guard lock(mutex);
    for (auto it = saved.rbegin(); it != saved.rend(); ++it)
      if (it->run_id == run_id) return *it;
    return std::nullopt;
  }
  std::mutex mutex;
  std::vector<switchboard::plugin::Checkpoint> saved;
};

graph::Node writes(Update update) {
  return [update](const State&, RunContext&) -> NodeResult { return update; };
}

class StateGraphTest : public ::testing::Test {
 protected:
  switchboard::test::RecordingLlm llm;
  RunContext context{llm, "req", "tx", {}, {}};
  graph::RunOptions options;
};

TEST_F(StateGraphTest, ReducersReplaceOrAppend) {
  graph::StateGraph g("g");
  g.add_key("messages", graph::Reducer::append)
      .add_node("a", writes({{"messages", json::array({"one"})}, {"title", "first"}}))
      .add_node("b", writes({{"messages", "two"}, {"title", "second"}}))
      .add_edge(kStart, "a")
      .add_edge("a", "b")
      .add_edge("b", kEnd);
  auto compiled = g.compile();
  ASSERT_TRUE(compiled) << compiled.error();
  auto state = compiled->invoke({{"messages", json::array({"zero"})}}, context, options);
  ASSERT_TRUE(state);
  EXPECT_EQ((*state)["messages"], json::array({"zero", "one", "two"}));
  EXPECT_EQ((*state)["title"], "second");
}

TEST_F(StateGraphTest, ConditionalEdgesRouteOnTheMergedState) {
  graph::StateGraph g("g");
  g.add_node("classify",
             [](const State& s, RunContext&) -> NodeResult {
               return Update{{"big", s["n"].get<int>() > 10}};
             })
      .add_node("small", writes({{"path", "small"}}))
      .add_node("large", writes({{"path", "large"}}))
      .add_edge(kStart, "classify")
      .add_conditional_edges(
          "classify", [](const State& s) { return std::vector<std::string>{s["big"].get<bool>() ? "large" : "small"}; },
          {"small", "large"})
      .add_edge("small", kEnd)
      .add_edge("large", kEnd);
  auto compiled = g.compile();
  ASSERT_TRUE(compiled);
  EXPECT_EQ((*compiled->invoke({{"n", 3}}, context, options))["path"], "small");
  EXPECT_EQ((*compiled->invoke({{"n", 30}}, context, options))["path"], "large");
}

TEST_F(StateGraphTest, ARouterMayNotChooseAnUndeclaredNode) {
  graph::StateGraph g("g");
  g.add_node("a", writes({{"a", 1}}))
      .add_node("b", writes({{"b", 1}}))
      .add_edge(kStart, "a")
      .add_edge(kStart, "b")
      .add_conditional_edges("a", [](const State&) { return std::vector<std::string>{"b"}; }, {kEnd})
      .add_edge("b", kEnd);
  auto compiled = g.compile();
  ASSERT_TRUE(compiled) << compiled.error();
  auto state = compiled->invoke(json::object(), context, options);
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, "INVALID_ROUTE");
}

TEST_F(StateGraphTest, CompileRejectsUnreachableNodes) {
  graph::StateGraph g("g");
  g.add_node("a", writes({})).add_node("island", writes({})).add_edge(kStart, "a").add_edge("a", kEnd);
  auto compiled = g.compile();
  ASSERT_FALSE(compiled);
  EXPECT_NE(compiled.error().find("island"), std::string::npos);
}

TEST_F(StateGraphTest, CompileRejectsEdgesToUnknownNodesAndAMissingStart) {
  graph::StateGraph unknown("g");
  unknown.add_node("a", writes({})).add_edge(kStart, "a").add_edge("a", "nowhere");
  EXPECT_FALSE(unknown.compile());
  graph::StateGraph no_start("g");
  no_start.add_node("a", writes({})).add_edge("a", kEnd);
  EXPECT_FALSE(no_start.compile());
}

TEST_F(StateGraphTest, NodesOfOneStepRunInParallelAndMergeInNameOrder) {
  // Each worker waits (up to 2 s) for the other two to arrive: only workers that run at the
  // same time all see three; one after another, the first would wait in vain.
  std::atomic<int> arrived{0};
  std::atomic<int> saw_all{0};
  auto worker = [&](const std::string& name) {
    return [&, name](const State&, RunContext&) -> NodeResult {
      ++arrived;
      for (int i = 0; i < 200 && arrived.load() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (arrived.load() == 3) ++saw_all;
      return Update{{"notes", name}, {name, true}};
    };
  };
  graph::StateGraph g("fanout");
  g.add_key("notes", graph::Reducer::append)
      .add_node("plan", writes({{"notes", "plan"}}))
      .add_node("w2", worker("w2"))
      .add_node("w1", worker("w1"))
      .add_node("w3", worker("w3"))
      .add_node("join",
                [](const State& s, RunContext&) -> NodeResult {
                  return Update{{"seen", s["notes"].size()}};
                })
      .add_edge(kStart, "plan")
      .add_edge("plan", "w1")
      .add_edge("plan", "w2")
      .add_edge("plan", "w3")
      .add_edge("w1", "join")
      .add_edge("w2", "join")
      .add_edge("w3", "join")
      .add_edge("join", kEnd);
  options.parallel = [](const std::vector<std::function<void()>>& tasks) {
    std::vector<std::thread> threads;
    for (const auto& task : tasks) threads.emplace_back(task);
    for (auto& thread : threads) thread.join();
  };
  std::vector<std::string> events;
  options.on_event = [&](const graph::NodeEvent& e) { events.push_back(std::to_string(e.step) + ":" + e.node); };
  auto compiled = g.compile();
  ASSERT_TRUE(compiled);
  auto state = compiled->invoke(json::object(), context, options);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(saw_all.load(), 3);  // all three workers at once
  EXPECT_EQ((*state)["notes"], json::array({"plan", "w1", "w2", "w3"}));
  EXPECT_EQ((*state)["seen"], 4);  // the join ran once, after all workers
  EXPECT_EQ(events, (std::vector<std::string>{"1:plan", "2:w1", "2:w2", "2:w3", "3:join"}));
}

TEST_F(StateGraphTest, TwoNodesReplacingOneKeyInOneStepIsAnError) {
  graph::StateGraph g("g");
  g.add_node("a", writes({{"x", 1}}))
      .add_node("b", writes({{"x", 2}}))
      .add_edge(kStart, "a")
      .add_edge(kStart, "b")
      .add_edge("a", kEnd)
      .add_edge("b", kEnd);
  auto state = g.compile()->invoke(json::object(), context, options);
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, "INVALID_UPDATE");
}

TEST_F(StateGraphTest, TheStepLimitStopsALoop) {
  graph::StateGraph g("loop");
  g.add_key("count", graph::Reducer::append)
      .add_node("again", writes({{"count", 1}}))
      .add_edge(kStart, "again")
      .add_conditional_edges("again", [](const State&) { return std::vector<std::string>{"again"}; }, {"again", kEnd});
  options.step_limit = 5;
  auto state = g.compile()->invoke(json::object(), context, options);
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, "STEP_LIMIT_EXCEEDED");
  EXPECT_NE(state.error().message.find("5 steps"), std::string::npos);
}

TEST_F(StateGraphTest, AFailedRunResumesFromItsLastCheckpoint) {
  MemoryCheckpoints store;
  int second_calls = 0;
  bool fail_second = true;
  graph::StateGraph g("resumable");
  g.add_key("trail", graph::Reducer::append)
      .add_node("first", writes({{"trail", "first"}}))
      .add_node("second",
                [&](const State&, RunContext&) -> NodeResult {
                  ++second_calls;
                  if (fail_second) return tl::unexpected(graph::TaskError{"LLM_PROVIDER_ERROR", "down", 502});
                  return Update{{"trail", "second"}};
                })
      .add_edge(kStart, "first")
      .add_edge("first", "second")
      .add_edge("second", kEnd);
  auto compiled = g.compile();
  ASSERT_TRUE(compiled);
  options.run_id = "run_1";
  options.checkpoints = &store;
  auto failed = compiled->invoke(json::object(), context, options);
  ASSERT_FALSE(failed);
  auto checkpoint = store.latest("run_1");
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(checkpoint->status, "failed");
  EXPECT_EQ(checkpoint->step, 1);
  EXPECT_EQ(checkpoint->next, std::vector<std::string>{"second"});
  EXPECT_EQ(checkpoint->state["trail"], json::array({"first"}));

  fail_second = false;
  auto resumed = compiled->resume(*checkpoint, context, options);
  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ((*resumed)["trail"], json::array({"first", "second"}));  // "first" did not run again
  EXPECT_EQ(second_calls, 2);
  EXPECT_EQ(store.latest("run_1")->status, "done");

  graph::StateGraph other("other");
  other.add_node("x", writes({})).add_edge(kStart, "x");
  auto wrong = other.compile()->resume(*checkpoint, context, options);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().http_status, 409);
}

}  // namespace
