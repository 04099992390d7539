// Table: plain-text table with aligned columns, for the side-by-side report.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace myepoll::demo
{

class Table
{
  public:
    // Columns whose header is listed in left_aligned are left-aligned; the
    // rest (numbers) are right-aligned.
    explicit Table(std::vector<std::string> headers, std::vector<std::string> left_aligned = {});

    void add_row(std::vector<std::string> cells);
    void print(std::FILE *out) const;

  private:
    std::vector<std::string> headers_;
    std::vector<bool> left_;
    std::vector<std::vector<std::string>> rows_;
};

} // namespace myepoll::demo
