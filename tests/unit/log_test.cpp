#include <switchboard/log.hpp>

#include <gtest/gtest.h>

namespace switchboard {
namespace {

TEST(SecretMask, KeepsOnlyEnoughToRecogniseTheSecret) {
  EXPECT_EQ(mask_secret("sk-abcdefghijklmnop9f2c"), "sk-a…9f2c");
  EXPECT_EQ(mask_secret("short"), "***");
}

TEST(SecretMask, MasksKeysAndBearerTokensInsideText) {
  const std::string text = "calling with sk-proj-1234567890abcdef and Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y";
  const std::string masked = mask_secrets_in_text(text);
  EXPECT_EQ(masked.find("1234567890abcdef"), std::string::npos) << masked;
  EXPECT_EQ(masked.find("eyJhbGciOiJIUzI1NiJ9"), std::string::npos) << masked;
  EXPECT_NE(masked.find("sk-p…cdef"), std::string::npos) << masked;
  EXPECT_NE(masked.find("Bearer "), std::string::npos) << masked;
}

TEST(SecretMask, MasksAKeyAfterPunctuation) {
  // Found by fuzz_request_text: a key right after '-' was left in the clear.
  const std::string masked = mask_secrets_in_text("header x-sk-reseed_time_eqonsk_lq end");
  EXPECT_EQ(masked.find("reseed_time_eqonsk"), std::string::npos) << masked;
}

TEST(SecretMask, LeavesOrdinaryTextAlone) {
  const std::string text = "task-runner asked for a sketch of 12 items";
  EXPECT_EQ(mask_secrets_in_text(text), text);
}

}  // namespace
}  // namespace switchboard
