#include "util/table.h"

#include <algorithm>

namespace leakdbg {

void Table::add_column(std::string title, Align align) {
  columns_.push_back({std::move(title), align});
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out) const {
  std::vector<size_t> width(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].title.size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < columns_.size(); ++c) {
      const std::string& cell = cells[c];
      size_t pad = width[c] - cell.size();
      bool last = c + 1 == columns_.size();
      if (columns_[c].align == Align::kRight)
        line.append(pad, ' ').append(cell);
      else
        line.append(cell).append(last ? 0 : pad, ' ');
      if (!last) line.append("  ");
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  std::vector<std::string> titles;
  for (const auto& col : columns_) titles.push_back(col.title);
  emit(titles);
  for (const auto& row : rows_) emit(row);
}

}  // namespace leakdbg
