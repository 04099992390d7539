// ResultTable: rows of results under a `== <name>` title, printed aligned
// for people (the shared Table, no rule line) and as marked CSV lines
// (`@@bench csv <name> <fields>`) that the host turns into
// build/bench-results/<name>.csv (scripts/bench-report.py).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "table.hpp"

namespace myepoll::bench
{

class ResultTable
{
  public:
    // The first column is left-aligned, the rest right-aligned.
    ResultTable(std::string name, std::vector<std::string> columns);
    void add(std::vector<std::string> row);
    // The aligned table under a title line, then the CSV lines.
    void print(std::FILE *out) const;

  private:
    std::string name_;
    Table table_;
};

} // namespace myepoll::bench
