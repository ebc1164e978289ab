#include "http_client.hpp"

#include <curl/curl.h>

#include <memory>

namespace sbctl {
namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

void append(HeaderList& list, const std::string& header) {
  curl_slist* grown = curl_slist_append(list.get(), header.c_str());
  list.release();
  list.reset(grown);
}

}  // namespace

ServerClient::ServerClient(std::string base_url, std::string admin_token, std::string api_key)
    : base_url_(std::move(base_url)),
      admin_token_(std::move(admin_token)),
      api_key_(std::move(api_key)),
      curl_(curl_easy_init()) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

ServerClient::~ServerClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Reply ServerClient::send(const std::string& method, const std::string& path, Credential credential,
                         const std::optional<nlohmann::json>& body) {
  Reply reply;
  auto* curl = static_cast<CURL*>(curl_);
  if (!curl) {
    reply.transport_error = "libcurl could not start";
    return reply;
  }
  curl_easy_reset(curl);
  HeaderList headers(nullptr, curl_slist_free_all);
  if (credential == Credential::admin_token && !admin_token_.empty()) {
    append(headers, "Authorization: Bearer " + admin_token_);
  } else if (credential == Credential::api_key && !api_key_.empty()) {
    append(headers, "X-API-Key: " + api_key_);
  }
  append(headers, "Accept: application/json");
  const std::string payload = body ? body->dump() : std::string();
  if (body) append(headers, "Content-Type: application/json");
  const std::string url = base_url_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  }
  const CURLcode result = curl_easy_perform(curl);
  if (result != CURLE_OK) {
    reply.transport_error = curl_easy_strerror(result);
    reply.body.clear();
    return reply;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.json = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  return reply;
}

std::string ServerClient::escape(const std::string& text) const {
  std::unique_ptr<char, decltype(&curl_free)> escaped(
      curl_easy_escape(static_cast<CURL*>(curl_), text.c_str(), static_cast<int>(text.size())), curl_free);
  return escaped ? std::string(escaped.get()) : std::string();
}

}  // namespace sbctl
