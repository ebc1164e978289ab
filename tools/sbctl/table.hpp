#pragma once
// Aligned plain-text tables for sbctl's human output: a header row, then one row per record,
// columns two spaces apart, text left-aligned and numbers right-aligned, no trailing spaces.

#include <cstdint>
#include <string>
#include <vector>

namespace sbctl {

enum class Align { left, right };

struct Column {
  std::string header;
  Align align = Align::left;
};

class Table {
 public:
  explicit Table(std::vector<Column> columns);

  // Throws std::invalid_argument when `cells` does not have one cell per column.
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size(); }

  // The whole table, each line ending in '\n'. Widths count UTF-8 characters, not bytes.
  std::string render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// 1234567 as "1,234,567".
std::string group_digits(std::int64_t value);
// Dollars with six decimals ("0.000123"): LLM calls cost fractions of a cent.
std::string format_usd(double usd);

}  // namespace sbctl
