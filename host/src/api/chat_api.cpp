// Chat (seed 000): POST /api/chat/{semantic-kernel|langchain|langgraph} with a message and an
// optional conversation_id — the conversation's history goes to the framework's `chat` task
// (any framework may continue any conversation), answered whole or, with "stream": true, as
// server-sent events; GET /api/chat/conversations,
// GET /api/chat/conversations/{id}, DELETE /api/chat/conversations/{id}. Each caller sees,
// continues and deletes only its own conversations (owner.hpp).
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/reply.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/chats.hpp>

#include "common.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxMessageBytes = 32 * 1024;
constexpr std::size_t kTitleCharacters = 50;

json conversation_json(const storage::Conversation& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"method", c.method},
          {"message_count", c.message_count},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

json message_json(const storage::ChatMessage& m) {
  json out = {{"id", m.id}, {"role", m.role}, {"content", m.content}, {"created_at", m.created_at}};
  if (m.role == "assistant") {
    out["generation_time_ms"] = m.generation_time_ms;
    out["total_tokens"] = m.input_tokens + m.output_tokens;
    out["estimated_cost_usd"] = usd(m.cost_nanousd);
  }
  return out;
}

// The first characters of the first message, whole UTF-8 sequences only.
std::string title_of(const std::string& message) {
  std::size_t at = 0, characters = 0;
  while (at < message.size() && characters < kTitleCharacters) {
    ++at;
    while (at < message.size() && (static_cast<unsigned char>(message[at]) & 0xC0) == 0x80) ++at;
    ++characters;
  }
  return message.substr(0, at) + (at < message.size() ? "…" : "");
}

// A turn as asked for: checked, with the conversation's history and the new message.
struct ChatTurn {
  std::string message;
  std::optional<std::int64_t> conversation_id;
  json history;
  bool stream = false;
};

tl::expected<ChatTurn, HttpResponse> read_turn(App& app, const RequestContext& context, const json& body) {
  json details = json::array();
  ChatTurn turn;
  if (!body.contains("message") || !body["message"].is_string() ||
      body["message"].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) {
    details.push_back({{"field", "message"}, {"message", "is required and must be non-empty text"}});
  } else if ((turn.message = body["message"].get<std::string>()).size() > kMaxMessageBytes) {
    details.push_back({{"field", "message"}, {"message", "must be at most 32 KiB"}});
  }
  if (body.contains("conversation_id") && !body["conversation_id"].is_null()) {
    if (!body["conversation_id"].is_number_integer() || body["conversation_id"].get<std::int64_t>() < 1) {
      details.push_back({{"field", "conversation_id"}, {"message", "must be a positive integer"}});
    } else {
      turn.conversation_id = body["conversation_id"].get<std::int64_t>();
    }
  }
  if (body.contains("stream")) {
    if (body["stream"].is_boolean()) {
      turn.stream = body["stream"].get<bool>();
    } else {
      details.push_back({{"field", "stream"}, {"message", "must be true or false"}});
    }
  }
  if (!details.empty()) {
    return tl::unexpected(error_response(422, "VALIDATION_ERROR", "invalid chat request", context.request_id, details));
  }

  storage::ChatRepository chats(*app.database());
  turn.history = json::array();
  if (turn.conversation_id) {
    if (!chats.conversation(*turn.conversation_id, owner_of(context))) {
      return tl::unexpected(error_response(404, "NOT_FOUND", "no conversation " + std::to_string(*turn.conversation_id),
                                           context.request_id));
    }
    for (const auto& m : chats.messages(*turn.conversation_id, owner_of(context)))
      turn.history.push_back({{"role", m.role}, {"content", m.content}});
  }
  turn.history.push_back({{"role", "user"}, {"content", turn.message}});
  return turn;
}

// Runs the framework's chat task on the turn and stores both messages once it is answered.
tl::expected<json, HttpResponse> answer_turn(App& app, const FrameworkStyle& style, const RequestContext& context,
                                             ChatTurn turn) {
  const auto started = std::chrono::steady_clock::now();
  auto result = run_framework_task(context, style.plugin, "chat", {{"messages", std::move(turn.history)}});
  if (!result) return tl::unexpected(result.error());
  const double took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const auto totals = call_totals(context);

  // Stored only once answered: a failed turn leaves the conversation as it was.
  storage::ChatRepository chats(*app.database());
  if (!turn.conversation_id) {
    storage::Conversation conversation;
    conversation.owner = owner_of(context);
    conversation.title = title_of(turn.message);
    conversation.method = style.method;
    conversation.provider = totals.provider;
    conversation.model = totals.model;
    conversation.transaction_guid = context.transaction_guid;
    turn.conversation_id = chats.create_conversation(conversation);
  }
  storage::ChatMessage user;
  user.conversation_id = *turn.conversation_id;
  user.role = "user";
  user.content = turn.message;
  user.request_id = context.request_id;
  user.transaction_guid = context.transaction_guid;
  storage::ChatMessage assistant = user;
  assistant.role = "assistant";
  assistant.content = result->text;
  assistant.generation_time_ms = took_ms;
  assistant.input_tokens = totals.input_tokens;
  assistant.output_tokens = totals.output_tokens;
  assistant.cost_nanousd = totals.cost_nanousd;
  const auto deleted = [&] {
    return tl::unexpected(
        error_response(409, "CONFLICT", "the conversation was deleted meanwhile", context.request_id));
  };
  if (!chats.add_message(user, owner_of(context))) return deleted();
  const auto message_id = chats.add_message(assistant, owner_of(context));
  if (!message_id) return deleted();
  return json{{"response", result->text},
              {"conversation_id", *turn.conversation_id},
              {"message_id", *message_id},
              {"method", style.method},
              {"provider", totals.provider},
              {"model", totals.model},
              {"generation_time_ms", took_ms},
              {"input_tokens", totals.input_tokens},
              {"output_tokens", totals.output_tokens},
              {"total_tokens", totals.input_tokens + totals.output_tokens},
              {"estimated_cost_usd", usd(totals.cost_nanousd)},
              {"request_id", context.request_id},
              {"transaction_guid", context.transaction_guid}};
}

// The turn a request asks for: a store, a JSON body and a valid turn, or the error answer.
tl::expected<ChatTurn, HttpResponse> requested_turn(App& app, const RequestContext& context) {
  if (!app.database()) return tl::unexpected(no_store(context));
  auto body = json_object_body(context);
  if (!body) return tl::unexpected(body.error());
  return read_turn(app, context, *body);
}

// Answered whole: the route for callers inside the server, and the non-streamed answer.
HttpResponse whole_answer(App& app, const FrameworkStyle& style, const RequestContext& context, ChatTurn turn) {
  auto answer = answer_turn(app, style, context, std::move(turn));
  return answer ? json_response(200, *answer) : answer.error();
}

// Streamed: the answer's text as `delta` events while the model writes it, then `result`
// (the whole turn, as answered unstreamed) or `error`, then `data: [DONE]`. A request that
// fails its checks is answered as usual, before any stream starts.
void stream_chat(App& app, const FrameworkStyle& style, const RequestContext& context, ChatTurn turn, Reply& reply) {
  start_event_stream(reply);
  context.on_answer_text = [&reply](std::string_view text) { send_event(reply, "delta", {{"delta", text}}); };
  auto answer = answer_turn(app, style, context, std::move(turn));
  context.on_answer_text = nullptr;
  send_event(reply, answer ? "result" : "error", answer ? *answer : error_event(answer.error()));
  end_event_stream(reply);
}

}  // namespace

void add_chat_routes(Router& router, App& app) {
  for (const auto& style : kFrameworkStyles) {
    // Asynchronous so that it can stream; the turn runs on a worker either way.
    router.add_async(
        "POST", std::string("/api/chat/") + style.path,
        [&app, style](const RequestContext& context, const PathParams&, std::shared_ptr<Reply> reply) {
          run_on_worker(app, context, reply, [&app, style, &context, reply] {
            auto turn = requested_turn(app, context);
            if (!turn) return reply->send(turn.error());
            if (turn->stream) return stream_chat(app, style, context, std::move(*turn), *reply);
            reply->send(whole_answer(app, style, context, std::move(*turn)));
          });
        },
        [&app, style](const RequestContext& context, const PathParams&) {
          auto turn = requested_turn(app, context);
          return turn ? whole_answer(app, style, context, std::move(*turn)) : turn.error();
        });
  }

  router.add(
      "GET", "/api/chat/conversations",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        json details = json::array();
        const int limit = int_param(context, "limit", 20, 1, 100, details);
        const int skip = int_param(context, "skip", 0, 0, 1'000'000'000, details);
        if (!details.empty())
          return error_response(422, "VALIDATION_ERROR", "invalid query parameters", context.request_id, details);
        json list = json::array();
        for (const auto& c : storage::ChatRepository(*app.database()).conversations(owner_of(context), limit, skip))
          list.push_back(conversation_json(c));
        return json_response(200, {{"conversations", list}});
      },
      RouteThread::worker);

  router.add(
      "GET", "/api/chat/conversations/{id}",
      [&app](const RequestContext& context, const PathParams& params) {
        if (!app.database()) return no_store(context);
        const std::string& text = params.find("id")->second;
        storage::ChatRepository chats(*app.database());
        const auto id = path_id(text);
        const auto conversation = id ? chats.conversation(*id, owner_of(context)) : std::nullopt;
        if (!conversation) return error_response(404, "NOT_FOUND", "no conversation " + text, context.request_id);
        json out = conversation_json(*conversation);
        json messages = json::array();
        for (const auto& m : chats.messages(conversation->id, owner_of(context))) messages.push_back(message_json(m));
        out["messages"] = std::move(messages);
        return json_response(200, out);
      },
      RouteThread::worker);

  router.add(
      "DELETE", "/api/chat/conversations/{id}",
      [&app](const RequestContext& context, const PathParams& params) {
        if (!app.database()) return no_store(context);
        const std::string& text = params.find("id")->second;
        const auto id = path_id(text);
        if (!id || !storage::ChatRepository(*app.database()).remove_conversation(*id, owner_of(context))) {
          return error_response(404, "NOT_FOUND", "no conversation " + text, context.request_id);
        }
        return json_response(200, {{"message", "Conversation deleted successfully"}, {"conversation_id", *id}});
      },
      RouteThread::worker);
}

}  // namespace switchboard
