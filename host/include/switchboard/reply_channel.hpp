#pragma once
// How a response travels back to its client, from any thread. The HTTP layer implements it
// (writing only on the connection's own reactor); the App drives it.
//
// Either `respond` once, or `begin_stream`, any number of `write`s, then `end`.

#include <functional>
#include <string>
#include <string_view>

#include <switchboard/http_types.hpp>

namespace switchboard {

class ReplyChannel {
 public:
  virtual ~ReplyChannel() = default;
  // A whole response.
  virtual void respond(HttpResponse response) = 0;
  // Starts a chunked response with these headers (Content-Type among them).
  virtual void begin_stream(int status, const HeaderList& headers) = 0;
  // Appends to the stream; false once the client is gone (stop producing).
  virtual bool write(std::string_view data) = 0;
  // Ends the stream.
  virtual void end() = 0;
  // True once the client went away or could not keep up.
  virtual bool cancelled() const = 0;
  // Runs once when the client goes away before the response is complete (on the reactor
  // thread, or at once if it already has); used to abort upstream work.
  virtual void on_cancel(std::function<void()> callback) = 0;
};

// While one lives on a thread, replies that get bytes to send are handed to their reactors
// together when the outermost one ends, instead of one by one: everything one upstream read
// produced for a client then goes out in one send, with one reactor wake. Scopes nest.
class ReplyBatch {
 public:
  ReplyBatch();
  ~ReplyBatch();
  ReplyBatch(const ReplyBatch&) = delete;
  ReplyBatch& operator=(const ReplyBatch&) = delete;

 private:
  bool outermost_;
};

}  // namespace switchboard
