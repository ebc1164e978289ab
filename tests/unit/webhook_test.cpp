// Job webhooks: which URLs may be one, and the signature a receiver checks.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "digest.hpp"
#include "jobs/webhook_sender.hpp"

namespace switchboard {
namespace {

TEST(Webhook, OnlyHttpAndHttpsUrlsOfSaneLength) {
  EXPECT_TRUE(valid_webhook_url("https://example.com/hooks/job"));
  EXPECT_TRUE(valid_webhook_url("http://127.0.0.1:8080/x"));
  EXPECT_FALSE(valid_webhook_url("ftp://example.com/x"));
  EXPECT_FALSE(valid_webhook_url("file:///etc/passwd"));
  EXPECT_FALSE(valid_webhook_url("https://"));
  EXPECT_FALSE(valid_webhook_url("example.com/hook"));
  EXPECT_FALSE(valid_webhook_url("https://example.com/a b"));
  EXPECT_FALSE(valid_webhook_url("https://example.com/\r\nX-Evil: 1"));
  EXPECT_FALSE(valid_webhook_url("https://example.com/" + std::string(490, 'a')));
}

TEST(Webhook, TheSignatureIsHmacSha256OfTimestampDotBody) {
  // RFC 4231, test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(WebhookSender::signature("Jefe", "what do ya want", " for nothing?"),
            "sha256=" + hmac_sha256_hex("Jefe", "what do ya want. for nothing?"));
  EXPECT_NE(WebhookSender::signature("Jefe", "1", "{}"), WebhookSender::signature("Jefe", "2", "{}"));
}

// A socket listening on 127.0.0.1 that tells whether anything connected to it (the kernel
// completes a connection before it is accepted).
class LoopbackListener {
 public:
  LoopbackListener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(address.sin_port);
  }
  ~LoopbackListener() { ::close(fd_); }
  std::string port() const { return std::to_string(port_); }
  bool connected(int wait_ms) const {
    pollfd waiting{fd_, POLLIN, 0};
    return ::poll(&waiting, 1, wait_ms) == 1;
  }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

TEST(Webhook, ATargetResolvingToARefusedAddressIsNeverConnectedTo) {
  LoopbackListener listener;
  WebhookSender strict("secret", std::chrono::milliseconds(2000), false);
  for (const std::string host : {"127.0.0.1", "localhost", "[::ffff:127.0.0.1]"}) {
    const auto refused = strict.send("http://" + host + ":" + listener.port() + "/hook", "job.completed", "j1", "{}");
    EXPECT_FALSE(refused.delivered) << host;
    EXPECT_NE(refused.error.find("special-purpose"), std::string::npos) << host << ": " << refused.error;
  }
  EXPECT_FALSE(listener.connected(200));
  // Allowed, the same target is connected to: the listener would have seen the refused ones.
  WebhookSender allowed("secret", std::chrono::milliseconds(300), true);
  EXPECT_FALSE(allowed.send("http://127.0.0.1:" + listener.port() + "/hook", "job.completed", "j1", "{}").delivered);
  EXPECT_TRUE(listener.connected(1000));
}

// Sets (or unsets) an environment variable until the end of the scope.
class ScopedVariable {
 public:
  ScopedVariable(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) {
      ::setenv(name_.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~ScopedVariable() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// A proxy in the environment is not used: through it, the address checked would be the
// proxy's, not the receiver's.
TEST(Webhook, AProxyInTheEnvironmentIsBypassed) {
  LoopbackListener proxy;
  LoopbackListener receiver;
  ScopedVariable http_proxy("http_proxy", "http://127.0.0.1:" + proxy.port());
  ScopedVariable no_proxy("no_proxy", std::nullopt);
  ScopedVariable no_proxy_upper("NO_PROXY", std::nullopt);
  WebhookSender allowed("secret", std::chrono::milliseconds(300), true);
  allowed.send("http://127.0.0.1:" + receiver.port() + "/hook", "job.completed", "j1", "{}");
  EXPECT_FALSE(proxy.connected(200));
  EXPECT_TRUE(receiver.connected(1000));
}

// Without webhook_allow_private, loopback is refused on the address curl connects to.
TEST(Webhook, LoopbackIsRefusedUnlessAllowed) {
  WebhookSender strict("secret", std::chrono::milliseconds(2000), false);
  const auto refused = strict.send("http://127.0.0.1:9/hook", "job.completed", "j1", "{}");
  EXPECT_FALSE(refused.delivered);
  EXPECT_EQ(refused.status, 0);
  EXPECT_NE(refused.error.find("private"), std::string::npos) << refused.error;
  const auto localhost = strict.send("http://localhost:9/hook", "job.completed", "j1", "{}");
  EXPECT_NE(localhost.error.find("private"), std::string::npos) << localhost.error;
}

}  // namespace
}  // namespace switchboard
