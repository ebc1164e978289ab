#pragma once
// Delivers a finished job's webhook: a POST of JSON, signed so the receiver can tell it came
// from this server and is fresh — X-Switchboard-Signature: sha256=<HMAC-SHA256 of the secret
// over "<X-Switchboard-Timestamp>.<body>">. Only http and https, no redirects, no proxy, and
// (unless allowed) no special-purpose address — loopback, private, link-local, … (see
// address_filter.hpp) — checked on each address curl actually connects to, so a hostname
// that resolves inward is refused too.

#include <chrono>
#include <string>

namespace switchboard {

struct WebhookResult {
  bool delivered = false;  // a 2xx answer
  int status = 0;          // the HTTP status, 0 when none came
  std::string error;       // why not, for the log
};

class WebhookSender {
 public:
  WebhookSender(std::string secret, std::chrono::milliseconds timeout, bool allow_private)
      : secret_(std::move(secret)), timeout_(timeout), allow_private_(allow_private) {}

  WebhookResult send(const std::string& url, const std::string& event, const std::string& job_id,
                     const std::string& body) const;

  // The signature header's value for `body` sent at `timestamp` (Unix seconds).
  static std::string signature(const std::string& secret, const std::string& timestamp, const std::string& body);

 private:
  std::string secret_;
  std::chrono::milliseconds timeout_;
  bool allow_private_;
};

// Whether `url` may be a webhook: http(s)://host…, at most 500 bytes.
bool valid_webhook_url(const std::string& url);

}  // namespace switchboard
