#pragma once
// What an asynchronous route handler answers through. It finishes the request the way every
// route does (middleware on the way out, request id headers, metrics) whichever thread
// answers, and keeps the request's plugin snapshot alive until the answer is complete.

#include <memory>
#include <string_view>

#include <switchboard/http_types.hpp>

namespace switchboard {

class Reply {
 public:
  virtual ~Reply() = default;
  // A whole response (once).
  virtual void send(HttpResponse response) = 0;
  // Starts a stream: middleware and request headers are applied to `headers` first.
  virtual void start_stream(int status, HeaderList headers) = 0;
  // Appends to the stream; false once the client is gone.
  virtual bool write(std::string_view data) = 0;
  // Ends the stream (once).
  virtual void end_stream() = 0;
  virtual bool cancelled() const = 0;
  // Runs when the client goes away before the answer is complete.
  virtual void on_cancel(std::function<void()> callback) = 0;
};

}  // namespace switchboard
