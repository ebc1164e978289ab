// The auth middleware's JWT check: HS256 only, signature, expiry, malformed tokens.
#include <gtest/gtest.h>

#include "../../plugins/middleware/auth/jwt.hpp"

namespace {

using auth::JwtFailure;

const std::string kSecret = "a-test-secret-that-is-32-chars-long!";
constexpr std::int64_t kNow = 1'800'000'000;

TEST(Jwt, AValidTokenGivesItsClaims) {
  const auto token = auth::sign_jwt({{"sub", "user-7"}, {"exp", kNow + 60}}, kSecret);
  auto claims = auth::verify_hs256(token, kSecret, kNow);
  ASSERT_TRUE(claims);
  EXPECT_EQ((*claims)["sub"], "user-7");
}

TEST(Jwt, ExpiredOrWithoutExpiryIsRefused) {
  EXPECT_EQ(auth::verify_hs256(auth::sign_jwt({{"exp", kNow}}, kSecret), kSecret, kNow).error(), JwtFailure::expired);
  EXPECT_EQ(auth::verify_hs256(auth::sign_jwt({{"exp", kNow - 1}}, kSecret), kSecret, kNow).error(),
            JwtFailure::expired);
  EXPECT_EQ(auth::verify_hs256(auth::sign_jwt({{"sub", "x"}}, kSecret), kSecret, kNow).error(), JwtFailure::expired);
  EXPECT_EQ(auth::verify_hs256(auth::sign_jwt({{"exp", "tomorrow"}}, kSecret), kSecret, kNow).error(),
            JwtFailure::expired);
  EXPECT_EQ(
      auth::verify_hs256(auth::sign_jwt({{"exp", kNow + 60}, {"nbf", kNow + 30}}, kSecret), kSecret, kNow).error(),
      JwtFailure::not_yet_valid);
}

TEST(Jwt, AnotherSecretOrATamperedPayloadIsABadSignature) {
  const auto token = auth::sign_jwt({{"sub", "user-7"}, {"exp", kNow + 60}}, kSecret);
  EXPECT_EQ(auth::verify_hs256(token, kSecret + "x", kNow).error(), JwtFailure::bad_signature);
  // The same signature over a payload naming someone else.
  const auto forged = auth::sign_jwt({{"sub", "admin"}, {"exp", kNow + 60}}, kSecret);
  const std::string spliced = forged.substr(0, forged.rfind('.')) + token.substr(token.rfind('.'));
  EXPECT_EQ(auth::verify_hs256(spliced, kSecret, kNow).error(), JwtFailure::bad_signature);
}

TEST(Jwt, OnlyHs256IsAccepted) {
  // `none` with no signature, and RS256/HS512 signed with the secret: the header may not
  // choose how the token is checked.
  for (const char* algorithm : {"none", "RS256", "HS512", "hs256"}) {
    const auto token = auth::sign_jwt({{"sub", "x"}, {"exp", kNow + 60}}, kSecret, algorithm);
    auto result = auth::verify_hs256(token, kSecret, kNow);
    ASSERT_FALSE(result) << algorithm;
    EXPECT_EQ(result.error(), JwtFailure::unsupported_algorithm) << algorithm;
  }
}

TEST(Jwt, MalformedTokensAreRefused) {
  const auto good = auth::sign_jwt({{"exp", kNow + 60}}, kSecret);
  for (const std::string& token :
       {std::string(""), std::string("abc"), std::string("a.b"), good + ".extra", std::string("!!.??.**"),
        std::string("e30.e30."), "W10." + good.substr(good.find('.') + 1), good.substr(0, good.rfind('.')) + ".a"}) {
    auto result = auth::verify_hs256(token, kSecret, kNow);
    ASSERT_FALSE(result) << token;
    EXPECT_TRUE(result.error() == JwtFailure::malformed || result.error() == JwtFailure::unsupported_algorithm ||
                result.error() == JwtFailure::bad_signature)
        << token;
  }
  EXPECT_EQ(auth::verify_hs256("a.b", kSecret, kNow).error(), JwtFailure::malformed);
  EXPECT_EQ(auth::verify_hs256("W10.e30.", kSecret, kNow).error(), JwtFailure::malformed);  // header not an object
}

}  // namespace
