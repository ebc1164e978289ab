// The PII scanner of `pii-redact`: what it finds and what it must not, placeholders that keep
// two people apart, restoring an answer whole or streamed, and linear time on hostile input.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "../../plugins/middleware/pii-redact/pii_scanner.hpp"

namespace {

using pii::Kind;

// What scan() finds in `text`, as (kind, matched text) pairs.
std::vector<std::pair<Kind, std::string>> found(std::string_view text) {
  std::vector<std::pair<Kind, std::string>> result;
  for (const auto& finding : pii::scan(text))
    result.emplace_back(finding.kind, std::string(text.substr(finding.offset, finding.length)));
  return result;
}

std::vector<std::pair<Kind, std::string>> one(Kind kind, std::string value) { return {{kind, std::move(value)}}; }

TEST(PiiScanner, FindsEachKindInText) {
  EXPECT_EQ(found("write to jane.doe+news@mail.example.co.uk today"),
            one(Kind::email, "jane.doe+news@mail.example.co.uk"));
  EXPECT_EQ(found("ssn 123-45-6789."), one(Kind::ssn, "123-45-6789"));
  EXPECT_EQ(found("card 4111 1111 1111 1111, thanks"), one(Kind::credit_card, "4111 1111 1111 1111"));
  EXPECT_EQ(found("from 192.168.0.1:8080"), one(Kind::ip_address, "192.168.0.1"));
  EXPECT_EQ(found("ping ::1 now"), one(Kind::ip_address, "::1"));
  EXPECT_EQ(found("host 2001:db8::8a2e:370:7334"), one(Kind::ip_address, "2001:db8::8a2e:370:7334"));
  EXPECT_EQ(found("2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
            one(Kind::ip_address, "2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
  EXPECT_EQ(found("mapped ::ffff:192.0.2.1"), one(Kind::ip_address, "::ffff:192.0.2.1"));
  EXPECT_EQ(found("link fe80::1: the router"), one(Kind::ip_address, "fe80::1"));
}

TEST(PiiScanner, FindsPhoneNumbersInTheirCommonForms) {
  for (const std::string phone : {"555-123-4567", "(555) 123-4567", "(555)123-4567", "+1 555.123.4567", "555 123 4567",
                                  "1-555-123-4567", "+15551234567", "+44 20 7946 0958", "+33 1 23 45 67 89"}) {
    EXPECT_EQ(found("call " + phone + " now"), one(Kind::phone, phone)) << phone;
  }
  EXPECT_EQ(found("555-123-4567, 555-987-6543"),
            (std::vector<std::pair<Kind, std::string>>{{Kind::phone, "555-123-4567"}, {Kind::phone, "555-987-6543"}}));
  // A year after a number is not part of it.
  EXPECT_EQ(found("+44 20 7946 0958 2024"), one(Kind::phone, "+44 20 7946 0958"));
}

TEST(PiiScanner, NumbersThatAreNotPhoneNumbers) {
  EXPECT_TRUE(found("order 5551234567").empty());  // ten bare digits: an id or a Unix time
  EXPECT_TRUE(found("id 555-123-4567-8").empty());
  EXPECT_TRUE(found("x555-123-4567").empty());
  EXPECT_TRUE(found("+1 2 3 4 5 6 7 8").empty());
  EXPECT_TRUE(found("2024-05-17 12:30").empty());
  for (const auto& [kind, text] : found("ref 12345551234567890 and 98765551234567")) EXPECT_NE(kind, Kind::phone);
}

TEST(PiiScanner, SsnReservedRangesAreNotFound) {
  for (const char* ssn : {"000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000"})
    EXPECT_TRUE(found(std::string("ssn ") + ssn).empty()) << ssn;
  EXPECT_TRUE(found("1123-45-6789").empty());
  EXPECT_TRUE(found("123-45-67890").empty());
}

TEST(PiiScanner, CardNumbersMustPassLuhn) {
  for (const std::string card :
       {"4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005", "4111111111111111", "3782 822463 10005"}) {
    EXPECT_EQ(found("pay " + card + "."), one(Kind::credit_card, card)) << card;
  }
  for (const std::string changed : {"4111 1111 1111 1112", "5500-0000-0000-0005", "378282246310006"})
    EXPECT_TRUE(found("pay " + changed).empty()) << changed;
  // Order numbers of 16 digits: the nine in ten that fail Luhn are not cards.
  std::mt19937_64 random(7);
  int tried = 0;
  while (tried < 200) {
    std::string number = std::to_string(1'000'000'000'000'000 + random() % 9'000'000'000'000'000);
    if (pii::luhn_valid(number)) continue;
    ++tried;
    EXPECT_TRUE(found("order " + number).empty()) << number;
  }
}

TEST(PiiScanner, CardsInsideLongerRunsOfGroupsAreNotFound) {
  EXPECT_TRUE(found("iban DE89 3704 0044 0532 0130 00").empty());
  EXPECT_TRUE(found("4111 1111 1111 1111 2222").empty());
  EXPECT_TRUE(found("4111111111111111.25").empty());
  EXPECT_EQ(found("4111111111111111 5500000000000004").size(), 2u);  // unseparated: two numbers
}

TEST(PiiScanner, LuhnCheck) {
  EXPECT_TRUE(pii::luhn_valid("4111111111111111"));
  EXPECT_TRUE(pii::luhn_valid("79927398713"));
  EXPECT_FALSE(pii::luhn_valid("79927398710"));
  EXPECT_FALSE(pii::luhn_valid(""));
  EXPECT_FALSE(pii::luhn_valid("4111 1111 1111 1111"));
}

TEST(PiiScanner, AddressesThatAreNot) {
  EXPECT_TRUE(found("256.1.1.1").empty());
  EXPECT_TRUE(found("version 1.2.3.4.5").empty());
  EXPECT_TRUE(found("01.2.3.4").empty());
  EXPECT_TRUE(found("v1.2.3.4").empty());
  EXPECT_TRUE(found("at 12:30 and 12:30:45").empty());
  EXPECT_TRUE(found("std::string and A::B and Base::add").empty());
  EXPECT_TRUE(found("mac 00:1A:2B:3C:4D:5E").empty());
  EXPECT_TRUE(found("1:2:3:4:5:6:7:8:9").empty());
  EXPECT_TRUE(found("1::2::3").empty());
}

TEST(PiiScanner, FindingsAreOrderedAndDoNotOverlap) {
  const std::string text = "a@b.io 4111111111111111 10.0.0.1 555-123-4567 123-45-6789 ::1";
  const auto findings = pii::scan(text);
  ASSERT_EQ(findings.size(), 6u);
  const std::vector<Kind> kinds = {Kind::email, Kind::credit_card, Kind::ip_address,
                                   Kind::phone, Kind::ssn,         Kind::ip_address};
  for (std::size_t i = 0; i < findings.size(); ++i) {
    EXPECT_EQ(findings[i].kind, kinds[i]);
    if (i > 0) {
      EXPECT_GE(findings[i].offset, findings[i - 1].offset + findings[i - 1].length);
    }
  }
}

TEST(PiiScanner, KindsHaveLabelsAndNames) {
  EXPECT_STREQ(pii::label(Kind::credit_card), "CREDIT_CARD");
  EXPECT_STREQ(pii::label(Kind::ip_address), "IP_ADDRESS");
  for (const Kind kind : pii::kAllKinds) EXPECT_EQ(pii::kind_from_name(pii::name(kind)), kind);
  EXPECT_EQ(pii::kind_from_name("phone"), Kind::phone);
  EXPECT_FALSE(pii::kind_from_name("PHONE"));
  EXPECT_FALSE(pii::kind_from_name(""));
}

TEST(Redactor, ReplacesEachKindByItsPlaceholder) {
  pii::Redactor redactor;
  EXPECT_EQ(redactor.redact("mail a@b.io, call 555-123-4567, ssn 123-45-6789, card 4111 1111 1111 1111, ip 10.0.0.1"),
            "mail [EMAIL_1], call [PHONE_1], ssn [SSN_1], card [CREDIT_CARD_1], ip [IP_ADDRESS_1]");
  EXPECT_EQ(redactor.counts(),
            (std::map<Kind, int>{
                {Kind::email, 1}, {Kind::phone, 1}, {Kind::ssn, 1}, {Kind::credit_card, 1}, {Kind::ip_address, 1}}));
}

TEST(Redactor, TheSameValueKeepsItsPlaceholderAcrossTexts) {
  pii::Redactor redactor;
  EXPECT_TRUE(redactor.empty());
  EXPECT_EQ(redactor.redact("ann@x.io wrote to bob@y.io"), "[EMAIL_1] wrote to [EMAIL_2]");
  EXPECT_EQ(redactor.redact("bob@y.io replied to ann@x.io"), "[EMAIL_2] replied to [EMAIL_1]");
  EXPECT_EQ(redactor.counts(), (std::map<Kind, int>{{Kind::email, 2}}));
  EXPECT_FALSE(redactor.empty());
}

TEST(Redactor, OnlyTheChosenKinds) {
  pii::Redactor redactor({Kind::email});
  EXPECT_EQ(redactor.redact("ann@x.io, 555-123-4567"), "[EMAIL_1], 555-123-4567");
  EXPECT_EQ(redactor.counts(), (std::map<Kind, int>{{Kind::email, 1}}));
  pii::Redactor none(std::set<Kind>{});
  EXPECT_EQ(none.redact("ann@x.io"), "ann@x.io");
  EXPECT_TRUE(none.empty());
}

TEST(Redactor, RestoreRoundTrips) {
  pii::Redactor redactor;
  const std::string text = "Ann (ann@x.io, +44 20 7946 0958) met Bob (bob@y.io) at 10.1.2.3; Ann paid 378282246310005.";
  const auto redacted = redactor.redact(text);
  EXPECT_EQ(redacted.find("ann@x.io"), std::string::npos);
  EXPECT_EQ(redactor.restore(redacted), text);
  // An answer reuses placeholders in any order; unknown ones and brackets stay as they are.
  EXPECT_EQ(redactor.restore("[EMAIL_2] and [EMAIL_1] [EMAIL_9] [PHONE_1] [[EMAIL_1]] [x] ["),
            "bob@y.io and ann@x.io [EMAIL_9] +44 20 7946 0958 [ann@x.io] [x] [");
  EXPECT_EQ(pii::Redactor().restore("[EMAIL_1]"), "[EMAIL_1]");
}

// Every way of cutting `text` into two or three chunks restores as restoring it whole does.
void expect_streams_as_whole(const pii::Redactor& redactor, const std::string& text) {
  const auto whole = redactor.restore(text);
  for (std::size_t first = 0; first <= text.size(); ++first) {
    for (std::size_t second = first; second <= text.size(); ++second) {
      pii::StreamRestorer stream(redactor);
      std::string out = stream.feed(std::string_view(text).substr(0, first));
      out += stream.feed(std::string_view(text).substr(first, second - first));
      out += stream.feed(std::string_view(text).substr(second));
      out += stream.finish();
      ASSERT_EQ(out, whole) << "cut at " << first << " and " << second;
    }
  }
}

TEST(StreamRestorer, APlaceholderSplitAnywhereIsRestored) {
  pii::Redactor redactor;
  redactor.redact("ann@x.io 555-123-4567 4111111111111111");
  expect_streams_as_whole(redactor, "Dear [EMAIL_1], call [PHONE_1]; card [CREDIT_CARD_1].");
  expect_streams_as_whole(redactor, "[EMAIL_1][PHONE_1][[CREDIT_CARD_1]]");
  expect_streams_as_whole(redactor, "a [ b [EMAIL_ c [EMAIL_12] [EMAIL_1");
}

TEST(StreamRestorer, HoldsBackOnlyWhatCouldStillBeAPlaceholder) {
  pii::Redactor redactor;
  redactor.redact("ann@x.io");
  pii::StreamRestorer stream(redactor);
  EXPECT_EQ(stream.feed("Hello [EMA"), "Hello ");
  EXPECT_EQ(stream.feed("IL_1], see [link] and ["), "ann@x.io, see [link] and ");
  EXPECT_EQ(stream.feed("x"), "[x");
  EXPECT_EQ(stream.feed(" [EMAIL_"), " ");
  EXPECT_EQ(stream.finish(), "[EMAIL_");  // never completed: released as it was
  EXPECT_EQ(stream.finish(), "");
  // A fragment longer than any placeholder is not held.
  EXPECT_EQ(stream.feed("[EMAIL_1234"), "[EMAIL_1234");
  // With nothing redacted nothing is held.
  pii::Redactor empty;
  pii::StreamRestorer plain(empty);
  EXPECT_EQ(plain.feed("a ["), "a [");
}

TEST(PiiScanner, HostileInputTakesLinearTime) {
  for (const std::string unit : {"1", "@", ".", ":", "1.", "1:", "a@a.aa ", "1.1.1.1 ", "::1 ", "555-123-4567 "}) {
    std::string text;
    while (text.size() < (1u << 20)) text += unit;
    const auto start = std::chrono::steady_clock::now();
    pii::Redactor redactor;
    EXPECT_EQ(redactor.restore(redactor.redact(text)), text) << unit;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << unit;
  }
}

TEST(PiiScanner, AnyBytesAreText) {
  const std::string text = std::string("\xff\xfe\0 a@b.io \xc3", 12) + "\x80 10.0.0.1 \xe2\x82";
  EXPECT_EQ(found(text),
            (std::vector<std::pair<Kind, std::string>>{{Kind::email, "a@b.io"}, {Kind::ip_address, "10.0.0.1"}}));
  EXPECT_EQ(found("café: ana@b.io"), one(Kind::email, "ana@b.io"));
}

}  // namespace
