// Table: plain-text table with aligned columns, shared by the demo, the
// tracer and the benchmarks.  Columns are two spaces apart; trailing blanks
// are trimmed.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace myepoll
{

class Table
{
  public:
    // Whether a line of dashes separates the header from the rows.
    enum class Rule { Dashes, None };

    // Columns whose header is listed in left_aligned are left-aligned; the
    // rest (numbers) are right-aligned.
    explicit Table(std::vector<std::string> headers, std::vector<std::string> left_aligned = {},
                   Rule rule = Rule::Dashes);

    void add_row(std::vector<std::string> cells);
    void print(std::FILE *out) const;

    const std::vector<std::string> &headers() const { return headers_; }
    // Every row has as many cells as there are headers.
    const std::vector<std::vector<std::string>> &rows() const { return rows_; }

  private:
    std::vector<std::string> headers_;
    std::vector<bool> left_;
    Rule rule_;
    std::vector<std::vector<std::string>> rows_;
};

// A table cell: value with `decimals` digits after the point.
std::string fixed(double value, int decimals = 0);

} // namespace myepoll
