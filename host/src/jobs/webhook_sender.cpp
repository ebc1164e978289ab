#include "webhook_sender.hpp"

#include <curl/curl.h>
#include <sys/socket.h>

#include <memory>

#include "../digest.hpp"
#include "address_filter.hpp"

namespace switchboard {
namespace {

// Called for every address curl is about to connect to, after its own DNS resolution, so a
// name cannot resolve to one address when checked and another when connected.
curl_socket_t open_public_socket(void* allow_private, curlsocktype, curl_sockaddr* address) {
  if (!*static_cast<bool*>(allow_private) && special_purpose_address(&address->addr)) return CURL_SOCKET_BAD;
  return ::socket(address->family, address->socktype, address->protocol);
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

}  // namespace

bool valid_webhook_url(const std::string& url) {
  if (url.size() > 500) return false;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  if (url.size() == scheme_end + 3) return false;
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

std::string WebhookSender::signature(const std::string& secret, const std::string& timestamp, const std::string& body) {
  return "sha256=" + hmac_sha256_hex(secret, timestamp + "." + body);
}

WebhookResult WebhookSender::send(const std::string& url, const std::string& event, const std::string& job_id,
                                  const std::string& body) const {
  WebhookResult result;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return {false, 0, "cannot make a curl handle"};
  const std::string timestamp = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  curl_slist* headers = nullptr;
  for (const std::string& header : {std::string("Content-Type: application/json"), "X-Switchboard-Event: " + event,
                                    "X-Switchboard-Job-Id: " + job_id, "X-Switchboard-Timestamp: " + timestamp,
                                    "X-Switchboard-Signature: " + signature(secret_, timestamp, body)}) {
    headers = curl_slist_append(headers, header.c_str());
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, &curl_slist_free_all);
  bool allow_private = allow_private_;
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  // Straight to the receiver: through a proxy the address checked would be the proxy's.
  curl_easy_setopt(handle, CURLOPT_PROXY, "");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, &open_public_socket);
  curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, &allow_private);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &discard);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "switchboard-webhook");
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    result.error = code == CURLE_COULDNT_CONNECT && !allow_private_
                       ? "cannot connect (loopback, private and other special-purpose addresses are refused)"
                       : curl_easy_strerror(code);
    return result;
  }
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  result.status = static_cast<int>(status);
  result.delivered = status >= 200 && status < 300;
  if (!result.delivered) result.error = "the receiver answered " + std::to_string(status);
  return result;
}

}  // namespace switchboard
