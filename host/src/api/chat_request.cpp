#include "chat_request.hpp"

#include <limits>
#include <set>

namespace switchboard {

using nlohmann::json;

tl::expected<plugin::ChatRequest, std::string> parse_chat_request(const json& body) {
  plugin::ChatRequest request;
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) {
    return tl::unexpected(std::string("\"messages\" must be a non-empty array"));
  }
  bool plain = true;  // only role + string content: no need to pass the raw messages
  for (const auto& message : body["messages"]) {
    if (!message.is_object() || !message.contains("role") || !message["role"].is_string()) {
      return tl::unexpected(std::string("each message needs a \"role\""));
    }
    plugin::ChatMessage m;
    m.role = message["role"];
    if (message.contains("content") && message["content"].is_string()) {
      m.content = message["content"];
    } else {
      plain = false;
      if (message.contains("content") && message["content"].is_array()) {
        for (const auto& part : message["content"]) {
          if (part.is_object() && part.contains("type") && part["type"] == "text" && part.contains("text") &&
              part["text"].is_string())
            m.content += part["text"].get<std::string>();
        }
      }
    }
    if (message.size() > 2 + (message.contains("name") ? 1 : 0)) plain = false;  // tool calls and the like
    if (message.contains("name") && message["name"].is_string()) m.name = message["name"];
    request.messages.push_back(std::move(m));
  }
  if (body.contains("model") && !body["model"].is_string())
    return tl::unexpected(std::string("\"model\" must be text"));
  request.model = body.value("model", "");
  if (body.contains("temperature")) {
    if (!body["temperature"].is_number() || body["temperature"] < 0 || body["temperature"] > 2)
      return tl::unexpected(std::string("\"temperature\" must be a number from 0 to 2"));
    request.temperature = body["temperature"].get<double>();
  }
  if (body.contains("top_p")) {
    if (!body["top_p"].is_number() || body["top_p"] < 0 || body["top_p"] > 1)
      return tl::unexpected(std::string("\"top_p\" must be a number from 0 to 1"));
    request.top_p = body["top_p"].get<double>();
  }
  if (body.contains("max_tokens") && !body["max_tokens"].is_null()) {
    if (!body["max_tokens"].is_number_integer() || body["max_tokens"] < 1 ||
        body["max_tokens"] > std::numeric_limits<int>::max())
      return tl::unexpected(std::string("\"max_tokens\" must be a positive integer"));
    request.max_tokens = body["max_tokens"].get<int>();
  }
  if (body.contains("stop") && !body["stop"].is_null()) {
    if (body["stop"].is_string())
      request.stop.push_back(body["stop"]);
    else if (body["stop"].is_array()) {
      for (const auto& s : body["stop"]) {
        if (!s.is_string()) return tl::unexpected(std::string("\"stop\" must be text or a list of text"));
        request.stop.push_back(s);
      }
    } else {
      return tl::unexpected(std::string("\"stop\" must be text or a list of text"));
    }
  }
  if (body.contains("n") && body["n"] != 1) return tl::unexpected(std::string("only \"n\": 1 is supported"));
  if (body.contains("stream") && !body["stream"].is_boolean())
    return tl::unexpected(std::string("\"stream\" must be a boolean"));
  request.stream = body.value("stream", false);
  // Everything else the client sent (tools, response_format, seed, user, …) passes through.
  static const std::set<std::string> handled = {"messages", "model", "temperature", "top_p",         "max_tokens",
                                                "stop",     "n",     "stream",      "stream_options"};
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (!handled.count(it.key())) request.extra[it.key()] = *it;
  }
  if (!plain) request.extra["messages"] = body["messages"];
  return request;
}

}  // namespace switchboard
