#include "table.hpp"

#include <algorithm>

namespace myepoll::bench
{

Table::Table(std::string name, std::vector<std::string> columns)
    : name_(std::move(name)), columns_(std::move(columns))
{
}

void Table::add(std::vector<std::string> row)
{
    row.resize(columns_.size());
    rows_.push_back(std::move(row));
}

void Table::print(std::FILE *out) const
{
    std::vector<std::size_t> width(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        width[c] = columns_[c].size();
        for (const auto &row : rows_)
            width[c] = std::max(width[c], row[c].size());
    }
    auto print_row = [&](const std::vector<std::string> &row) {
        for (std::size_t c = 0; c < row.size(); ++c)
            std::fprintf(out, c == 0 ? "%-*s" : "  %*s", static_cast<int>(width[c]),
                         row[c].c_str());
        std::fputc('\n', out);
    };
    auto print_csv = [&](const std::vector<std::string> &row) {
        std::fprintf(out, "@@bench csv %s ", name_.c_str());
        for (std::size_t c = 0; c < row.size(); ++c)
            std::fprintf(out, c == 0 ? "%s" : ",%s", row[c].c_str());
        std::fputc('\n', out);
    };
    std::fprintf(out, "\n== %s\n", name_.c_str());
    print_row(columns_);
    for (const auto &row : rows_)
        print_row(row);
    std::fputc('\n', out);
    print_csv(columns_);
    for (const auto &row : rows_)
        print_csv(row);
    std::fflush(out);
}

std::string fixed(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    return buf;
}

} // namespace myepoll::bench
