// Job webhooks: which URLs may be one, and the signature a receiver checks.
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
