// Rates and trend lines for `leakdbg top`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace leakdbg::procmem {

struct TrendPoint {
  double seconds = 0;
  double value = 0;
};

// Least-squares slope in value units per second; nullopt with fewer than two points or
// when they span no time.
std::optional<double> slope_per_second(const std::vector<TrendPoint>& points);

// The last `width` values as a line of block characters (U+2581..U+2588), lowest value of
// the window at the bottom. A flat series draws as a flat line.
std::string sparkline(const std::vector<double>& values, size_t width);

}  // namespace leakdbg::procmem
