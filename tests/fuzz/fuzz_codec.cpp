// A provider codec's decoders, fed what an upstream (or something posing as one) may answer:
// a whole response with any status, headers and body, or a stream split anywhere. Built once
// per provider plugin, whose source is compiled in (see CMakeLists.txt). Nothing may crash,
// hang or throw; every failure must come back as a ProviderError.
//
// Input: byte 0 picks the mode and the split, byte 1 the status, the rest is the body (or the
// stream). A Retry-After header is sent with the body's first line as its value.
#include <cstddef>
#include <cstdint>
#include <string>

#include <switchboard/plugin/host_services.hpp>
#include <switchboard/plugin/provider.hpp>
#include <switchboard/sdk/stream_parsers.hpp>

namespace switchboard_plugin_entry {
std::shared_ptr<switchboard::plugin::Plugin> factory(const nlohmann::json& config,
                                                     switchboard::plugin::HostServices& host);
}

namespace {

using namespace switchboard::plugin;

// Host services a codec never needs while decoding; present so the factory can run.
struct NullHost final : HostServices {
  struct : Logger {
    void log(LogLevel, std::string_view, const nlohmann::json&) override {}
  } logger_;
  struct : Counter {
    void increment(double) override {}
  } counter_;
  struct : Gauge {
    void set(double) override {}
    void add(double) override {}
  } gauge_;
  struct : Histogram {
    void observe(double) override {}
  } histogram_;
  struct NullMetrics : Metrics {
    NullHost* host;
    explicit NullMetrics(NullHost* h) : host(h) {}
    std::shared_ptr<Counter> counter(const std::string&, const std::string&, const MetricLabels&) override {
      return {std::shared_ptr<void>(), &host->counter_};
    }
    std::shared_ptr<Gauge> gauge(const std::string&, const std::string&, const MetricLabels&) override {
      return {std::shared_ptr<void>(), &host->gauge_};
    }
    std::shared_ptr<Histogram> histogram(const std::string&, const std::string&, const MetricLabels&,
                                         const std::vector<double>&) override {
      return {std::shared_ptr<void>(), &host->histogram_};
    }
  } metrics_{this};
  struct : KeyValueStore {
    std::optional<std::string> get(const std::string&) override { return std::nullopt; }
    void put(const std::string&, std::string, std::chrono::seconds) override {}
    void erase(const std::string&) override {}
  } kv_;
  struct : LlmClient {
    tl::expected<ChatResult, LlmError> complete(const ChatRequest&) override {
      return tl::unexpected(LlmError{"UNAVAILABLE", "fuzzing", 503});
    }
    tl::expected<ChatResult, LlmError> stream(const ChatRequest&, const ChunkCallback&) override {
      return tl::unexpected(LlmError{"UNAVAILABLE", "fuzzing", 503});
    }
  } llm_;

  Logger& logger() override { return logger_; }
  Metrics& metrics() override { return metrics_; }
  std::string config_dir() const override { return "."; }
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
  KeyValueStore& kv() override { return kv_; }
  LlmClient& llm() override { return llm_; }
};

const Provider& provider() {
  static NullHost host;
  static auto plugin = switchboard_plugin_entry::factory(nlohmann::json::object(), host);
  static auto* codec = dynamic_cast<Provider*>(plugin.get());
  if (!codec) __builtin_trap();
  return *codec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const Provider& codec = provider();
  static const int statuses[] = {200, 200, 200, 400, 401, 404, 408, 413, 429, 500, 502, 503, 504, 529, 0, 302};
  const int status = statuses[data[1] % 16];
  const std::string body(reinterpret_cast<const char*>(data) + 2, size - 2);

  if ((data[0] & 1) == 0) {  // a whole response
    UpstreamResponse response;
    response.status = status;
    response.headers.emplace_back("Retry-After", body.substr(0, body.find('\n')));
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = body;
    if (status >= 200 && status < 300) {
      auto decoded = codec.decode(response);
      if (!decoded && decoded.error().code.empty()) __builtin_trap();
    }
    auto error = codec.classify(response);
    if (error.code.empty()) __builtin_trap();
    return 0;
  }

  // A stream, cut into pieces of 1–64 bytes.
  const std::size_t piece = (data[0] >> 1) % 64 + 1;
  ChatRequest request;
  request.stream = true;
  request.messages.push_back({"user", "hello", ""});
  auto decoder = codec.stream_decoder(request);
  if (!decoder) return 0;
  bool failed = false;
  auto sink = [&](StreamEvent&& event) {
    if (failed) return;
    auto chunks = decoder->on_event(event);
    if (!chunks) {
      if (chunks.error().code.empty()) __builtin_trap();
      failed = true;
    }
  };
  switchboard::sdk::SseParser sse(1 << 16);
  switchboard::sdk::NdjsonParser ndjson(1 << 16);
  const bool is_sse = codec.stream_framing() == StreamFraming::sse;
  for (std::size_t at = 0; at < body.size() && !failed; at += piece) {
    const auto bytes = std::string_view(body).substr(at, piece);
    if (!(is_sse ? sse.feed(bytes, sink) : ndjson.feed(bytes, sink))) failed = true;
  }
  if (!failed) is_sse ? sse.finish(sink) : ndjson.finish(sink);
  (void)decoder->finished();
  return 0;
}
