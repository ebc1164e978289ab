#pragma once
// An LLM client for framework unit tests: answers "re: <last message>", remembers each
// request, fails when told to (the next `failures` calls).

#include <switchboard/plugin/host_services.hpp>

namespace switchboard::test {

class RecordingLlm final : public plugin::LlmClient {
 public:
  tl::expected<plugin::ChatResult, plugin::LlmError> complete(const plugin::ChatRequest& request) override {
    requests.push_back(request);
    if (fail || failures > 0) {
      if (failures > 0) --failures;
      return tl::unexpected(plugin::LlmError{"LLM_PROVIDER_ERROR", "upstream down", 502});
    }
    plugin::ChatResult result;
    result.content = answer.empty() ? "re: " + request.messages.back().content : answer;
    result.model = "m";
    result.provider = "p";
    result.usage = {10, 5, 0};
    return result;
  }
  tl::expected<plugin::ChatResult, plugin::LlmError> stream(const plugin::ChatRequest& request,
                                                            const plugin::ChunkCallback& on_chunk) override {
    auto result = complete(request);
    if (!result) return result;
    for (std::size_t at = 0; at < result->content.size(); at += 4) {  // in pieces of four
      plugin::ChatChunk chunk;
      chunk.delta = result->content.substr(at, 4);
      if (!on_chunk(chunk)) break;
    }
    return result;
  }

  std::vector<plugin::ChatRequest> requests;
  bool fail = false;
  int failures = 0;
  std::string answer;  // fixed answer when not empty
};

}  // namespace switchboard::test
