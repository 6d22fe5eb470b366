#include "procmem/trend.h"

#include <algorithm>
#include <cmath>

namespace leakdbg::procmem {

std::optional<double> slope_per_second(const std::vector<TrendPoint>& points) {
  if (points.size() < 2) return std::nullopt;
  // Centre on the means first: raw byte counts squared would lose precision.
  double mean_t = 0, mean_v = 0;
  for (const auto& p : points) {
    mean_t += p.seconds;
    mean_v += p.value;
  }
  mean_t /= static_cast<double>(points.size());
  mean_v /= static_cast<double>(points.size());
  double stt = 0, stv = 0;
  for (const auto& p : points) {
    stt += (p.seconds - mean_t) * (p.seconds - mean_t);
    stv += (p.seconds - mean_t) * (p.value - mean_v);
  }
  if (stt <= 0) return std::nullopt;
  return stv / stt;
}

std::string sparkline(const std::vector<double>& values, size_t width) {
  static const char* const kBars[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                      "\u2585", "\u2586", "\u2587", "\u2588"};
  if (values.empty() || width == 0) return {};
  size_t first = values.size() > width ? values.size() - width : 0;
  auto [lo, hi] =
      std::minmax_element(values.begin() + static_cast<std::ptrdiff_t>(first), values.end());
  double low = *lo, span = *hi - *lo;
  std::string line;
  for (size_t i = first; i < values.size(); ++i) {
    int level = span > 0 ? static_cast<int>(std::lround((values[i] - low) / span * 7.0)) : 0;
    line += kBars[std::clamp(level, 0, 7)];
  }
  return line;
}

}  // namespace leakdbg::procmem
