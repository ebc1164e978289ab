#include "table.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace sbctl {
namespace {

// UTF-8 continuation bytes (10xxxxxx) do not start a character.
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void append_cell(std::string& line, const std::string& text, std::size_t width, Align align, bool last) {
  const std::string padding(width - display_width(text), ' ');
  if (align == Align::right) {
    line += padding + text;
  } else {
    line += text;
    if (!last) line += padding;
  }
}

}  // namespace

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() != columns_.size()) {
    throw std::invalid_argument("a table row needs " + std::to_string(columns_.size()) + " cells, got " +
                                std::to_string(cells.size()));
  }
  rows_.push_back(std::move(cells));
}

std::string Table::render() const {
  std::vector<std::size_t> widths;
  for (const auto& column : columns_) widths.push_back(display_width(column.header));
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  auto render_line = [&](auto cell_of) {
    std::string line;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) line += "  ";
      append_cell(line, cell_of(i), widths[i], columns_[i].align, i + 1 == columns_.size());
    }
    return line + "\n";
  };
  std::string out = render_line([&](std::size_t i) { return columns_[i].header; });
  for (const auto& row : rows_) out += render_line([&](std::size_t i) { return row[i]; });
  return out;
}

std::string group_digits(std::int64_t value) {
  const bool negative = value < 0;
  // Through unsigned, so the lowest int64 has a magnitude too.
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  const std::string digits = std::to_string(magnitude);
  std::string out = negative ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_usd(double usd) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6f", usd);
  return text;
}

}  // namespace sbctl
