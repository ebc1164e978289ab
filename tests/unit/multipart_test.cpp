// The multipart/form-data parser: boundaries from Content-Type, parts with their names,
// file names and types, preamble and epilogue, and the malformed bodies it must refuse.
#include <gtest/gtest.h>

#include "multipart.hpp"

namespace switchboard::multipart {
namespace {

std::vector<Part> parse(std::string_view body, std::string_view boundary = "XyZ") {
  auto parts = parse_form_data(body, boundary);
  EXPECT_TRUE(parts) << (parts ? "" : parts.error());
  return parts ? *parts : std::vector<Part>{};
}

std::string refusal(std::string_view body, std::string_view boundary = "XyZ") {
  auto parts = parse_form_data(body, boundary);
  EXPECT_FALSE(parts) << "parsed " << (parts ? parts->size() : 0) << " parts";
  return parts ? "" : parts.error();
}

TEST(Multipart, BoundaryComesFromTheContentType) {
  auto boundary = [](std::string_view type) { return form_data_boundary(type).value_or("<refused>"); };
  EXPECT_EQ(boundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(boundary("Multipart/Form-Data;charset=utf-8;BOUNDARY=\"a b:c\""), "a b:c");
  EXPECT_EQ(boundary("multipart/form-data; boundary=\"q\\:uoted\""), "q:uoted");  // a quoted-pair
  EXPECT_EQ(boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
            "----WebKitFormBoundary7MA4YWxkTrZu0gW");
}

TEST(Multipart, ContentTypesWithoutFormDataAreTold) {
  for (const char* type : {"", "application/json", "multipart/mixed; boundary=x", "text/plain; boundary=x"}) {
    auto boundary = form_data_boundary(type);
    ASSERT_FALSE(boundary) << type;
    EXPECT_TRUE(boundary.error().not_form_data) << type;
  }
  for (const char* type :
       {"multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary",
        "multipart/form-data; boundary=\"unterminated", "multipart/form-data; boundary=a;boundary=b",
        "multipart/form-data; boundary=bad<char>", "multipart/form-data; boundary=\"ends in space \"",
        "multipart/form-data; boundary=12345678901234567890123456789012345678901234567890123456789012345678901"}) {
    auto boundary = form_data_boundary(type);
    ASSERT_FALSE(boundary) << type;
    EXPECT_FALSE(boundary.error().not_form_data) << type;
  }
}

TEST(Multipart, PartsComeWithNamesFileNamesTypesAndBytes) {
  const std::string binary("\x00\x01\r\n--Xy\r\n\xff", 10);
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"title\"\r\n"
      "\r\n"
      "Hello\r\n"
      "--XyZ\r\n"
      "content-disposition: form-data; name=file; filename=\"C:\\\\dir\\\\my \\\"notes\\\".txt\"\r\n"
      "Content-Type: Text/Plain; charset=utf-8\r\n"
      "\r\n" +
      binary +
      "\r\n"
      "--XyZ--\r\n";
  const auto parts = parse(body);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "title");
  EXPECT_FALSE(parts[0].filename);
  EXPECT_EQ(parts[0].content_type, "text/plain");  // the default
  EXPECT_EQ(parts[0].data, "Hello");
  EXPECT_EQ(parts[1].name, "file");
  EXPECT_EQ(*parts[1].filename, "C:\\dir\\my \"notes\".txt");
  EXPECT_EQ(parts[1].content_type, "text/plain");
  EXPECT_EQ(parts[1].data, binary);
}

TEST(Multipart, PreambleEpilogueEmptyPartsAndPaddingAreAccepted) {
  const auto parts = parse(
      "This is the preamble.\r\nIt is ignored.\r\n"
      "--XyZ \t\r\n"  // transport padding after a boundary
      "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
      "\r\n"
      "\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data;\r\n"
      "  name=\"folded\"\r\n"
      "\r\n"
      "line one\r\nline two\r\n"
      "--XyZ--epilogue, also ignored\r\n--XyZ\r\nmore");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "empty");
  EXPECT_EQ(*parts[0].filename, "");
  EXPECT_EQ(parts[0].data, "");
  EXPECT_EQ(parts[1].name, "folded");
  EXPECT_EQ(parts[1].data, "line one\r\nline two");
  EXPECT_TRUE(parse("--XyZ--").empty());  // a form with no fields
}

TEST(Multipart, MalformedBodiesAreRefusedWithAReason) {
  const std::string part = "Content-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
  EXPECT_NE(refusal("").find("no multipart boundary"), std::string::npos);
  EXPECT_NE(refusal("--Other\r\n" + part + "\r\n--Other--").find("no multipart boundary"), std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\n" + part).find("closing boundary"), std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\n" + part + "\r\n--XyZ").find("closing boundary"), std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\n" + part + "\r\n--XyZjunk\r\n").find("text after the boundary"), std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nvalue\r\n--XyZ--").find("do not end"),
            std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\n\r\nvalue\r\n--XyZ--").find("no Content-Disposition"), std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--XyZ--").find("not form-data"),
            std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--").find("no name"), std::string::npos);
  EXPECT_NE(
      refusal("--XyZ\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nv\r\n--XyZ--").find("malformed"),
      std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ--").find("malformed"),
            std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\n" + part + "\r\n--XyZ\r\nno colon here\r\n\r\nv\r\n--XyZ--").find("Name: value"),
            std::string::npos);
  EXPECT_NE(refusal("--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n"
                    "\r\nv\r\n--XyZ--")
                .find("two Content-Disposition"),
            std::string::npos);
  // Bare LF line ends are not multipart.
  EXPECT_FALSE(parse_form_data("--XyZ\nContent-Disposition: form-data; name=a\n\nv\n--XyZ--", "XyZ"));
  EXPECT_FALSE(parse_form_data("--XyZ--", "bad<boundary>"));
}

TEST(Multipart, HugeHeadersAndTooManyPartsAreRefused) {
  EXPECT_NE(refusal("--XyZ\r\nX-Long: " + std::string(20000, 'a') + "\r\n\r\nv\r\n--XyZ--").find("exceed"),
            std::string::npos);
  std::string many;
  for (int i = 0; i < 257; ++i) many += "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n";
  EXPECT_NE(refusal(many + "--XyZ--").find("more than 256 parts"), std::string::npos);
}

// Only CRLF, two dashes and the boundary delimit; the same text anywhere else is data.
TEST(Multipart, ABoundaryLookalikeInsideDataIsData) {
  const auto parts = parse(
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--XyZ at the start\r\n-XyZ\n--XyZ\r\n\r\n--XyZ--");
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].data, "--XyZ at the start\r\n-XyZ\n--XyZ\r\n");
}

}  // namespace
}  // namespace switchboard::multipart
