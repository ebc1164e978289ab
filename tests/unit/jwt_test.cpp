// The auth middleware's JWT check: HS256 only, signature, expiry, malformed tokens, the
// times a token names, and the audience and issuer when configured.
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
            JwtFailure::invalid_time);
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

TEST(Jwt, TimesMustBeNumbersOfSecondsUpToTheYear9999) {
  auto verify = [](nlohmann::json claims) {
    return auth::verify_hs256(auth::sign_jwt(claims, kSecret), kSecret, kNow);
  };
  // The limits themselves pass.
  EXPECT_TRUE(verify({{"exp", 253402300799LL}}));
  EXPECT_TRUE(verify({{"exp", kNow + 60.5}, {"nbf", 0}, {"iat", kNow}}));
  for (const nlohmann::json& claims : {
           nlohmann::json{{"exp", 1e300}},
           nlohmann::json{{"exp", 253402300800LL}},  // 10000-01-01
           nlohmann::json{{"exp", 18446744073709551615ULL}},
           nlohmann::json{{"exp", "1800000060"}},
           nlohmann::json{{"exp", nullptr}},
           nlohmann::json{{"exp", true}},
           nlohmann::json{{"exp", nlohmann::json::array({kNow + 60})}},
           nlohmann::json{{"exp", -1}},
           nlohmann::json{{"exp", kNow + 60}, {"nbf", "later"}},
           nlohmann::json{{"exp", kNow + 60}, {"nbf", -1e300}},
           nlohmann::json{{"exp", kNow + 60}, {"nbf", nullptr}},
           nlohmann::json{{"exp", kNow + 60}, {"iat", "now"}},
           nlohmann::json{{"exp", kNow + 60}, {"iat", 1e20}},
       }) {
    auto result = verify(claims);
    ASSERT_FALSE(result) << claims.dump();
    EXPECT_EQ(result.error(), JwtFailure::invalid_time) << claims.dump();
  }
}

TEST(Jwt, TheAudienceIsCheckedWhenConfigured) {
  const auth::JwtExpectations expected{"switchboard", ""};
  auto verify = [&](nlohmann::json claims) {
    claims["exp"] = kNow + 60;
    return auth::verify_hs256(auth::sign_jwt(claims, kSecret), kSecret, kNow, expected);
  };
  EXPECT_TRUE(verify({{"aud", "switchboard"}}));
  EXPECT_TRUE(verify({{"aud", {"other", "switchboard"}}}));
  for (const nlohmann::json& claims :
       {nlohmann::json::object(), nlohmann::json{{"aud", "other"}}, nlohmann::json{{"aud", "Switchboard"}},
        nlohmann::json{{"aud", "switchboard2"}}, nlohmann::json{{"aud", nlohmann::json::array({"other"})}},
        nlohmann::json{{"aud", nlohmann::json::array()}}, nlohmann::json{{"aud", {{"switchboard", true}}}},
        nlohmann::json{{"aud", 1}}}) {
    auto result = verify(claims);
    ASSERT_FALSE(result) << claims.dump();
    EXPECT_EQ(result.error(), JwtFailure::wrong_audience) << claims.dump();
  }
  // Not configured: any audience, or none.
  EXPECT_TRUE(auth::verify_hs256(auth::sign_jwt({{"aud", "other"}, {"exp", kNow + 60}}, kSecret), kSecret, kNow, {}));
}

TEST(Jwt, TheIssuerIsCheckedWhenConfigured) {
  const auth::JwtExpectations expected{"", "https://issuer.example"};
  auto verify = [&](nlohmann::json claims) {
    claims["exp"] = kNow + 60;
    return auth::verify_hs256(auth::sign_jwt(claims, kSecret), kSecret, kNow, expected);
  };
  EXPECT_TRUE(verify({{"iss", "https://issuer.example"}}));
  for (const nlohmann::json& claims :
       {nlohmann::json::object(), nlohmann::json{{"iss", "https://issuer.example.evil"}},
        nlohmann::json{{"iss", "https://issuer.exampl"}}, nlohmann::json{{"iss", {"https://issuer.example"}}},
        nlohmann::json{{"iss", nullptr}}}) {
    auto result = verify(claims);
    ASSERT_FALSE(result) << claims.dump();
    EXPECT_EQ(result.error(), JwtFailure::wrong_issuer) << claims.dump();
  }
  // Both at once.
  const auth::JwtExpectations both{"switchboard", "https://issuer.example"};
  const auto token =
      auth::sign_jwt({{"aud", "switchboard"}, {"iss", "https://issuer.example"}, {"exp", kNow + 60}}, kSecret);
  EXPECT_TRUE(auth::verify_hs256(token, kSecret, kNow, both));
}

TEST(Jwt, AudienceAndIssuerSettingsAreReadFromTheConfiguration) {
  const auto expected = auth::jwt_expectations({{"audience", "api"}, {"issuer", "idp"}, {"public_paths", {"/"}}});
  EXPECT_EQ(expected.audience, "api");
  EXPECT_EQ(expected.issuer, "idp");
  const auto none = auth::jwt_expectations(nlohmann::json::object());
  EXPECT_TRUE(none.audience.empty());
  EXPECT_TRUE(none.issuer.empty());
  for (const nlohmann::json& bad : {nlohmann::json{{"audience", ""}}, nlohmann::json{{"audience", {"a", "b"}}},
                                    nlohmann::json{{"issuer", 1}}, nlohmann::json{{"issuer", ""}}}) {
    EXPECT_THROW(auth::jwt_expectations(bad), std::invalid_argument) << bad.dump();
  }
}

}  // namespace
