#pragma once
// sbctl's one way to reach a server: JSON over HTTP with the credential a route wants. One
// connection is kept for the whole run (jobs --wait polls on it).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace sbctl {

struct Reply {
  long status = 0;              // 0: no HTTP answer, see transport_error
  std::string transport_error;  // curl's reason when status is 0
  std::string body;
  nlohmann::json json;  // the body parsed; discarded (is_discarded()) when it is not JSON

  bool answered() const { return status != 0; }
  bool ok() const { return status >= 200 && status < 300 && !json.is_discarded(); }
};

// Which credential a request carries: the admin token for /admin/ routes, the API key (when
// one is given) for public ones.
enum class Credential { admin_token, api_key };

class ServerClient {
 public:
  ServerClient(std::string base_url, std::string admin_token, std::string api_key);
  ~ServerClient();
  ServerClient(const ServerClient&) = delete;
  ServerClient& operator=(const ServerClient&) = delete;

  Reply send(const std::string& method, const std::string& path, Credential credential,
             const std::optional<nlohmann::json>& body = std::nullopt);
  Reply get(const std::string& path, Credential credential) { return send("GET", path, credential); }

  // `text` percent-encoded for use as one path segment or query value.
  std::string escape(const std::string& text) const;
  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::string admin_token_;
  std::string api_key_;
  void* curl_;
};

}  // namespace sbctl
