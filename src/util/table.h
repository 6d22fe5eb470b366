// A plain text table: columns sized to their widest cell, numbers right-aligned.
// Every command renders its rows through this so that all tables look alike.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace leakdbg {

class Table {
 public:
  enum class Align { kLeft, kRight };
  void add_column(std::string title, Align align = Align::kRight);
  void add_row(std::vector<std::string> cells);
  void print(std::ostream& out) const;
  size_t rows() const { return rows_.size(); }

 private:
  struct Column {
    std::string title;
    Align align;
  };
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace leakdbg
