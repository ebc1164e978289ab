#pragma once
/// @file
/// The chat vocabulary shared by providers, frameworks and the host's LLM client.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::plugin {

/// One message of a conversation.
struct ChatMessage {
  std::string role;     ///< "system", "user", "assistant" or "tool"
  std::string content;  ///< the text
  std::string name;     ///< optional author name (empty when absent)
};

/// A request for one completion, independent of any provider's wire format.
struct ChatRequest {
  std::string model;                  ///< model name; empty means the instance's default
  std::vector<ChatMessage> messages;  ///< the conversation, oldest first
  std::optional<double> temperature;  ///< sampling temperature
  std::optional<double> top_p;        ///< nucleus sampling
  std::optional<int> max_tokens;      ///< upper bound of generated tokens
  std::vector<std::string> stop;      ///< stop sequences
  bool stream = false;                ///< whether the caller wants chunks
  /// Provider-specific fields passed through unchanged (e.g. `response_format`).
  nlohmann::json extra = nlohmann::json::object();
  std::string request_id;        ///< the client's request id, sent upstream
  std::string transaction_guid;  ///< the transaction this call belongs to
};

/// Token counts of one call.
struct Usage {
  std::int64_t input_tokens = 0;   ///< prompt tokens
  std::int64_t output_tokens = 0;  ///< completion tokens
  std::int64_t cached_tokens = 0;  ///< prompt tokens served from the provider's cache
  /// Sum of input and output tokens.
  std::int64_t total_tokens() const noexcept { return input_tokens + output_tokens; }
};

/// A whole completion.
struct ChatResult {
  std::string id;             ///< upstream completion id (may be empty)
  std::string model;          ///< the model that answered
  std::string content;        ///< the generated text
  std::string finish_reason;  ///< "stop", "length", …
  Usage usage;                ///< tokens used
  std::string provider;       ///< provider instance that answered (filled by the host)
};

/// One piece of a streamed completion.
struct ChatChunk {
  std::string delta;                         ///< text added by this chunk (may be empty)
  std::optional<std::string> finish_reason;  ///< set on the last content chunk
  std::optional<Usage> usage;                ///< set when the upstream reports usage
};

}  // namespace switchboard::plugin
