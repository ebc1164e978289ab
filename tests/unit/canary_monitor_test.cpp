// How a canary is judged (CanaryMonitor): not before each side has its minimum, on the error
// rate or the mean duration above the current version's, once, and afresh each window.
#include "canary_monitor.hpp"

#include <gtest/gtest.h>

#include <switchboard/metrics.hpp>

namespace switchboard {
namespace {

using nlohmann::json;

class CanaryMonitorTest : public ::testing::Test {
 protected:
  MetricsRegistry metrics_;
  std::vector<std::pair<std::string, json>> rollbacks_;
  CanaryMonitor monitor_{
      metrics_, [this](const std::string& plugin, const json& reason) { rollbacks_.emplace_back(plugin, reason); }};

  CanaryPolicy policy(int min_requests = 5) {
    CanaryPolicy p;
    p.min_requests = min_requests;
    p.max_error_rate = 0.1;
    p.max_added_latency_ms = 50;
    return p;
  }
};

TEST_F(CanaryMonitorTest, ErrorsAreJudgedOnlyOnceBothSidesHaveTheirMinimum) {
  monitor_.start("mock", policy());
  for (int i = 0; i < 4; ++i) monitor_.record(true, 502, 1);
  for (int i = 0; i < 10; ++i) monitor_.record(false, 200, 1);
  EXPECT_TRUE(rollbacks_.empty());  // four canary requests: not yet
  monitor_.record(true, 502, 1);
  ASSERT_EQ(rollbacks_.size(), 1u);
  EXPECT_EQ(rollbacks_[0].first, "mock");
  EXPECT_EQ(rollbacks_[0].second["reason"], "error_rate");
  EXPECT_DOUBLE_EQ(rollbacks_[0].second["canary_error_rate"].get<double>(), 1.0);
  for (int i = 0; i < 10; ++i) monitor_.record(true, 502, 1);
  EXPECT_EQ(rollbacks_.size(), 1u);  // judged once
  EXPECT_TRUE(monitor_.status().is_null());
}

TEST_F(CanaryMonitorTest, AnErrorRateLikeTheCurrentVersionsIsNoReason) {
  monitor_.start("mock", policy());
  for (int i = 0; i < 50; ++i) {
    monitor_.record(true, i % 4 == 0 ? 503 : 200, 10);
    monitor_.record(false, i % 4 == 0 ? 503 : 200, 10);
  }
  EXPECT_TRUE(rollbacks_.empty());
  const auto status = monitor_.status();
  EXPECT_EQ(status["canary"]["requests"], 50);
  EXPECT_EQ(status["canary"]["errors"], 13);
  EXPECT_EQ(status["current"]["errors"], 13);
}

TEST_F(CanaryMonitorTest, ASlowerVersionIsRolledBackOnItsAddedLatency) {
  monitor_.start("chain", policy());
  for (int i = 0; i < 5; ++i) monitor_.record(false, 200, 20);
  for (int i = 0; i < 4; ++i) monitor_.record(true, 200, 200);
  EXPECT_TRUE(rollbacks_.empty());
  monitor_.record(true, 200, 200);
  ASSERT_EQ(rollbacks_.size(), 1u);
  EXPECT_EQ(rollbacks_[0].second["reason"], "latency");
  EXPECT_DOUBLE_EQ(rollbacks_[0].second["canary_mean_ms"].get<double>(), 200.0);
}

TEST_F(CanaryMonitorTest, StoppedItJudgesNothingAndCountsNothing) {
  monitor_.start("mock", policy(1));
  monitor_.stop();
  monitor_.record(true, 500, 1);
  monitor_.record(false, 200, 1);
  EXPECT_TRUE(rollbacks_.empty());
  EXPECT_TRUE(monitor_.status().is_null());
}

TEST(CanaryPolicyFrom, ReadsTheFieldsAndNamesTheBadOnes) {
  json details = json::array();
  auto policy = canary_policy_from({{"share", 0.5}, {"min_requests", 3}, {"window_seconds", 10}}, details);
  EXPECT_TRUE(details.empty());
  EXPECT_DOUBLE_EQ(policy.share, 0.5);
  EXPECT_EQ(policy.min_requests, 3);
  EXPECT_EQ(policy.window.count(), 10);
  canary_policy_from({{"share", 0}, {"max_error_rate", "high"}, {"window_seconds", 0}}, details);
  ASSERT_EQ(details.size(), 3u);
  EXPECT_EQ(details[0]["field"], "share");
  EXPECT_EQ(details[1]["field"], "max_error_rate");
  EXPECT_EQ(details[2]["field"], "window_seconds");
}

}  // namespace
}  // namespace switchboard
