#include "table.hpp"

#include <algorithm>

namespace myepoll
{

Table::Table(std::vector<std::string> headers, std::vector<std::string> left_aligned, Rule rule)
    : headers_(std::move(headers)), rule_(rule)
{
    for (const auto &h : headers_)
        left_.push_back(std::find(left_aligned.begin(), left_aligned.end(), h) !=
                        left_aligned.end());
}

void Table::add_row(std::vector<std::string> cells)
{
    cells.resize(headers_.size());
    rows_.push_back(std::move(cells));
}

void Table::print(std::FILE *out) const
{
    std::vector<std::size_t> width(headers_.size());
    for (std::size_t c = 0; c < headers_.size(); ++c) {
        width[c] = headers_[c].size();
        for (const auto &row : rows_)
            width[c] = std::max(width[c], row[c].size());
    }
    auto line = [&](const std::vector<std::string> &cells) {
        std::string text;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string pad(width[c] - cells[c].size(), ' ');
            if (c > 0)
                text += "  ";
            text += left_[c] ? cells[c] + pad : pad + cells[c];
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        std::fprintf(out, "%s\n", text.c_str());
    };
    line(headers_);
    if (rule_ == Rule::Dashes) {
        std::vector<std::string> dashes;
        for (std::size_t w : width)
            dashes.emplace_back(w, '-');
        line(dashes);
    }
    for (const auto &row : rows_)
        line(row);
}

std::string fixed(double value, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
    return buf;
}

} // namespace myepoll
