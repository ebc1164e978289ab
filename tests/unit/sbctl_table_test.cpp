// sbctl's table printer: columns as wide as their widest cell, numbers right-aligned, no
// trailing spaces, UTF-8 counted by character.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

#include "table.hpp"

namespace sbctl {
namespace {

TEST(SbctlTable, AlignsTextLeftAndNumbersRight) {
  Table table({{"FRAMEWORK"}, {"REQUESTS", Align::right}, {"COST_USD", Align::right}});
  table.add_row({"kernel", "3", "0.000120"});
  table.add_row({"gateway", "1,204", "12.500000"});
  EXPECT_EQ(table.render(),
            "FRAMEWORK  REQUESTS   COST_USD\n"
            "kernel            3   0.000120\n"
            "gateway       1,204  12.500000\n");
}

TEST(SbctlTable, LeavesNoTrailingSpacesAfterALeftAlignedLastColumn) {
  Table table({{"ID"}, {"NAME"}});
  table.add_row({"1", "a much longer name"});
  table.add_row({"2", "b"});
  EXPECT_EQ(table.render(), "ID  NAME\n1   a much longer name\n2   b\n");
}

TEST(SbctlTable, CountsUtf8CharactersNotBytes) {
  Table table({{"NAME"}, {"N", Align::right}});
  table.add_row({"Zoë", "1"});
  table.add_row({"Joe", "2"});
  // "Zoë" is four bytes but three characters: both rows line up.
  EXPECT_EQ(table.render(), "NAME  N\nZoë   1\nJoe   2\n");
}

TEST(SbctlTable, AHeaderAloneIsATable) {
  Table table({{"A"}, {"B", Align::right}});
  EXPECT_EQ(table.rows(), 0u);
  EXPECT_EQ(table.render(), "A  B\n");
}

TEST(SbctlTable, RefusesARowOfTheWrongWidth) {
  Table table({{"A"}, {"B"}});
  EXPECT_THROW(table.add_row({"only one"}), std::invalid_argument);
}

TEST(SbctlTable, GroupsDigitsByThousands) {
  EXPECT_EQ(group_digits(0), "0");
  EXPECT_EQ(group_digits(999), "999");
  EXPECT_EQ(group_digits(1000), "1,000");
  EXPECT_EQ(group_digits(1234567), "1,234,567");
  EXPECT_EQ(group_digits(-1234), "-1,234");
  EXPECT_EQ(group_digits(INT64_MIN), "-9,223,372,036,854,775,808");
}

TEST(SbctlTable, FormatsDollarsToTheMillionth) {
  EXPECT_EQ(format_usd(0), "0.000000");
  EXPECT_EQ(format_usd(0.0001234), "0.000123");
  EXPECT_EQ(format_usd(12.5), "12.500000");
}

}  // namespace
}  // namespace sbctl
