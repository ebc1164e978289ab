#pragma once
/// @file
/// The provider kind: a codec between `ChatRequest`/`ChatResult` and one family of LLM
/// APIs. The host owns the transport (pooling, timeouts, retries, breakers); a provider
/// only encodes, decodes and classifies, so it can be tested without a network.
/// In-process providers (such as `mock`) answer through `complete`/`stream` instead.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/chat.hpp>
#include <switchboard/plugin/host_services.hpp>
#include <switchboard/plugin/plugin.hpp>

namespace switchboard::plugin {

/// HTTP header list in order; names compare case-insensitively.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// Case-insensitive comparison of two ASCII header names.
inline bool header_name_equals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// The first value of header `name` in `headers`, if present.
inline std::optional<std::string> find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (header_name_equals(key, name)) return value;
  }
  return std::nullopt;
}

/// One configured provider instance as the codec needs it.
struct ProviderEndpoint {
  std::string instance;                               ///< instance name from the configuration
  std::string base_url;                               ///< e.g. "https://api.openai.com/v1"
  std::string api_key;                                ///< the key (never log it)
  std::string model;                                  ///< default model when a request names none
  HeaderList headers;                                 ///< extra headers to send
  nlohmann::json options = nlohmann::json::object();  ///< instance options (api-version, …)
};

/// An HTTP request for the host's upstream client to send.
struct UpstreamRequest {
  std::string method = "POST";  ///< HTTP method
  std::string url;              ///< absolute URL
  HeaderList headers;           ///< headers, including authentication
  std::string body;             ///< request body
};

/// A whole HTTP response from an upstream.
struct UpstreamResponse {
  int status = 0;      ///< HTTP status
  HeaderList headers;  ///< response headers
  std::string body;    ///< response body
};

/// How a streamed upstream response is framed.
enum class StreamFraming : int {
  sse = 1,     ///< Server-Sent Events (`event:`/`data:` blocks)
  ndjson = 2,  ///< one JSON document per line
};

/// One event of a streamed upstream response: an SSE event or an NDJSON line.
struct StreamEvent {
  std::string event;  ///< SSE event name (empty for NDJSON or unnamed events)
  std::string data;   ///< the payload
};

/// A failure, classified for the host's retry and breaker logic.
struct ProviderError {
  std::string code;                                        ///< stable code, e.g. "rate_limited", "bad_request"
  std::string message;                                     ///< human-readable reason (never contains secrets)
  int upstream_status = 0;                                 ///< the upstream's HTTP status, 0 when none
  bool retryable = false;                                  ///< whether trying again (here or elsewhere) may succeed
  std::optional<std::chrono::milliseconds> retry_after{};  ///< the upstream's hint
};

/// A `ProviderError` without a retry hint.
inline ProviderError provider_error(std::string code, std::string message, int upstream_status = 0,
                                    bool retryable = false) {
  return ProviderError{std::move(code), std::move(message), upstream_status, retryable, std::nullopt};
}

/// Decodes the events of one streamed response; made per stream, so it may keep state
/// (e.g. token counts announced at the start of a stream).
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  /// Turns one event into zero or more chunks, or an error the upstream sent in-stream.
  virtual tl::expected<std::vector<ChatChunk>, ProviderError> on_event(const StreamEvent& event) = 0;
  /// True once the upstream has signalled the end of the stream.
  virtual bool finished() const = 0;
};

/// The provider kind.
class Provider : public Plugin {
 public:
  /// True when the provider answers in process through `complete`/`stream` (no HTTP).
  virtual bool in_process() const = 0;

  /// Builds the upstream HTTP request for `request` sent to `endpoint`.
  virtual tl::expected<UpstreamRequest, ProviderError> encode(const ChatRequest& request,
                                                              const ProviderEndpoint& endpoint) const {
    (void)request;
    (void)endpoint;
    return tl::unexpected(provider_error("not_supported", "provider has no HTTP codec"));
  }

  /// Decodes a whole successful (2xx) upstream response.
  virtual tl::expected<ChatResult, ProviderError> decode(const UpstreamResponse& response) const {
    (void)response;
    return tl::unexpected(provider_error("not_supported", "provider has no HTTP codec"));
  }

  /// How this provider's streamed responses are framed.
  virtual StreamFraming stream_framing() const { return StreamFraming::sse; }

  /// A decoder for one streamed response, or null when streaming is not supported.
  virtual std::unique_ptr<StreamDecoder> stream_decoder(const ChatRequest& request) const {
    (void)request;
    return nullptr;
  }

  /// Classifies a failed (non-2xx) upstream response. The default treats 408, 409, 429
  /// and 5xx as retryable and reads a `Retry-After` given in seconds.
  virtual ProviderError classify(const UpstreamResponse& response) const {
    ProviderError error =
        provider_error("upstream_error", "upstream answered HTTP " + std::to_string(response.status), response.status);
    const int s = response.status;
    error.retryable = s == 408 || s == 409 || s == 429 || s >= 500;
    if (s == 429)
      error.code = "rate_limited";
    else if (s == 401 || s == 403)
      error.code = "unauthorized";
    else if (s >= 400 && s < 500)
      error.code = "bad_request";
    if (auto value = find_header(response.headers, "Retry-After")) {
      try {
        error.retry_after = std::chrono::seconds(std::stoll(*value));
      } catch (...) {  // an HTTP date or garbage: no hint
      }
    }
    return error;
  }

  /// In-process providers: one whole completion for `endpoint`.
  virtual tl::expected<ChatResult, ProviderError> complete(const ChatRequest& request,
                                                           const ProviderEndpoint& endpoint) {
    (void)request;
    (void)endpoint;
    return tl::unexpected(provider_error("not_supported", "provider is not in-process"));
  }

  /// In-process providers: a streamed completion; `on_chunk` runs on the calling thread
  /// and returning false from it cancels the stream.
  virtual tl::expected<ChatResult, ProviderError> stream(const ChatRequest& request, const ProviderEndpoint& endpoint,
                                                         const ChunkCallback& on_chunk) {
    (void)request;
    (void)endpoint;
    (void)on_chunk;
    return tl::unexpected(provider_error("not_supported", "provider is not in-process"));
  }
};

}  // namespace switchboard::plugin
