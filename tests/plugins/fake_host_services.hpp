#pragma once
// HostServices for loading plugins in-process in tests: real metrics and store, an LLM
// client that must not be called unless a test sets an answer.

#include <switchboard/log.hpp>
#include <switchboard/metrics.hpp>
#include <switchboard/plugin/host_services.hpp>

#include "../../host/src/memory_kv.hpp"

namespace switchboard::test {

class UnusedLlm final : public plugin::LlmClient {
 public:
  tl::expected<plugin::ChatResult, plugin::LlmError> complete(const plugin::ChatRequest&) override {
    return tl::unexpected(plugin::LlmError{"UNAVAILABLE", "no LLM in this test", 503});
  }
  tl::expected<plugin::ChatResult, plugin::LlmError> stream(const plugin::ChatRequest&,
                                                            const plugin::ChunkCallback&) override {
    return tl::unexpected(plugin::LlmError{"UNAVAILABLE", "no LLM in this test", 503});
  }
};

class FakeHostServices final : public plugin::HostServices {
 public:
  plugin::Logger& logger() override { return logger_; }
  plugin::Metrics& metrics() override { return metrics_; }
  std::string config_dir() const override { return SWITCHBOARD_CONFIG_DIR; }
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
  plugin::KeyValueStore& kv() override { return kv_; }
  plugin::LlmClient& llm() override { return llm_; }

 private:
  Logger logger_{"test"};
  MetricsRegistry metrics_;
  MemoryKeyValueStore kv_;
  UnusedLlm llm_;
};

}  // namespace switchboard::test
