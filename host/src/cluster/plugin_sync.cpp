#include "plugin_sync.hpp"

#include <poll.h>

#include <chrono>

#include <redis/redis_pool.hpp>

#include <switchboard/log.hpp>
#include <switchboard/request_id.hpp>

namespace switchboard {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

Logger& log() {
  static Logger logger("cluster");
  return logger;
}

}  // namespace

PluginSync::PluginSync(const std::string& redis_url, std::string channel, std::function<void(const json&)> apply)
    : instance_id_(new_uuid()), channel_(std::move(channel)), apply_(std::move(apply)) {
  auto address = redis::parse_url(redis_url);
  if (!address) throw std::invalid_argument("cluster: " + address.error());
  pool_ = std::make_unique<redis::Pool>(*address);
  listener_ = std::thread([this, address = *address] {
    // The subscription's own connection: once subscribed, it only receives.
    redis::Connection connection;
    bool reported_away = false;
    while (!stopping_) {
      if (!connection) {
        auto made = redis::connect(address, 500ms);
        redis::Reply reply;
        if (made) reply = redis::command(made->get(), {"SUBSCRIBE", channel_});
        if (!reply || reply->type == REDIS_REPLY_ERROR) {
          if (!reported_away) log().warn("cannot subscribe to plugin changes; trying again", {{"channel", channel_}});
          reported_away = true;
          for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(100ms);
          continue;
        }
        connection = std::move(*made);
        reported_away = false;
        log().info("subscribed to plugin changes", {{"channel", channel_}, {"instance", instance_id_}});
      }
      void* raw = nullptr;
      if (redisGetReplyFromReader(connection.get(), &raw) != REDIS_OK) {
        connection.reset();
        continue;
      }
      if (!raw) {
        // Nothing buffered: wait a little for the socket, so that stopping is noticed.
        pollfd ready{connection->fd, POLLIN, 0};
        if (::poll(&ready, 1, 200) > 0 && redisBufferRead(connection.get()) != REDIS_OK) connection.reset();
        continue;
      }
      redis::Reply message(static_cast<redisReply*>(raw));
      // ["message", channel, payload]
      if (message->type != REDIS_REPLY_ARRAY || message->elements != 3 ||
          message->element[0]->type != REDIS_REPLY_STRING || message->element[2]->type != REDIS_REPLY_STRING ||
          std::string(message->element[0]->str, message->element[0]->len) != "message")
        continue;
      // Whatever else publishes on the channel cannot stop the listener.
      try {
        auto change = json::parse(std::string(message->element[2]->str, message->element[2]->len), nullptr, false);
        if (!change.is_object() || !change.contains("origin") || !change["origin"].is_string() ||
            change["origin"] == instance_id_)
          continue;
        apply_(change);
      } catch (const std::exception& e) {
        log().error("a plugin change from another instance failed", {{"error", e.what()}});
      }
    }
  });
}

PluginSync::~PluginSync() {
  stopping_ = true;
  if (listener_.joinable()) listener_.join();
}

bool PluginSync::publish(json change) {
  change["origin"] = instance_id_;
  auto reply = pool_->run({"PUBLISH", channel_, change.dump()});
  if (!reply || (*reply)->type == REDIS_REPLY_ERROR) {
    log().error("plugin change not shared with the other instances",
                {{"action", change.value("action", "")}, {"plugin", change.value("name", "")}});
    return false;
  }
  return true;
}

}  // namespace switchboard
