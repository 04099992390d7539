#include "result_table.hpp"

namespace myepoll::bench
{

namespace
{

std::vector<std::string> first_of(const std::vector<std::string> &columns)
{
    if (columns.empty())
        return {};
    return {columns.front()};
}

} // namespace

ResultTable::ResultTable(std::string name, std::vector<std::string> columns)
    : name_(std::move(name)), table_(columns, first_of(columns), Table::Rule::None)
{
}

void ResultTable::add(std::vector<std::string> row)
{
    table_.add_row(std::move(row));
}

void ResultTable::print(std::FILE *out) const
{
    auto print_csv = [&](const std::vector<std::string> &row) {
        std::fprintf(out, "@@bench csv %s ", name_.c_str());
        for (std::size_t c = 0; c < row.size(); ++c)
            std::fprintf(out, c == 0 ? "%s" : ",%s", row[c].c_str());
        std::fputc('\n', out);
    };
    std::fprintf(out, "\n== %s\n", name_.c_str());
    table_.print(out);
    std::fputc('\n', out);
    print_csv(table_.headers());
    for (const auto &row : table_.rows())
        print_csv(row);
    std::fflush(out);
}

} // namespace myepoll::bench
