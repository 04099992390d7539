// Table: rows of results, printed aligned for people and as marked CSV lines
// (`@@bench csv <name> <fields>`) that the host turns into
// build/bench-results/<name>.csv (scripts/bench-report.py).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace myepoll::bench
{

class Table
{
  public:
    Table(std::string name, std::vector<std::string> columns);
    void add(std::vector<std::string> row);
    // The aligned table under a title line, then the CSV lines.
    void print(std::FILE *out) const;

  private:
    std::string name_;
    std::vector<std::string> columns_;
    std::vector<std::vector<std::string>> rows_;
};

// v with `decimals` digits after the point.
std::string fixed(double v, int decimals = 0);

} // namespace myepoll::bench
