#include "analysis/trend.h"

#include <algorithm>

namespace leakdbg::analysis {

double least_squares_slope(std::span<const double> t, std::span<const double> v) {
  size_t n = std::min(t.size(), v.size());
  if (n < 2) return 0;
  double mean_t = 0, mean_v = 0;
  for (size_t i = 0; i < n; ++i) {
    mean_t += t[i];
    mean_v += v[i];
  }
  mean_t /= static_cast<double>(n);
  mean_v /= static_cast<double>(n);
  double covariance = 0, variance = 0;
  for (size_t i = 0; i < n; ++i) {
    covariance += (t[i] - mean_t) * (v[i] - mean_v);
    variance += (t[i] - mean_t) * (t[i] - mean_t);
  }
  return variance > 0 ? covariance / variance : 0;
}

SeriesTrend trend_of(std::span<const double> t, std::span<const double> v) {
  SeriesTrend trend;
  size_t n = std::min(t.size(), v.size());
  trend.points = n;
  if (n == 0) return trend;
  trend.first = v.front();
  trend.last = v[n - 1];
  trend.peak = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
  trend.trough = *std::min_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
  trend.growth = trend.last - trend.first;
  trend.intervals = n - 1;
  for (size_t i = 1; i < n; ++i) {
    if (v[i] > v[i - 1]) ++trend.intervals_grew;
    if (v[i] < v[i - 1]) ++trend.intervals_shrank;
  }
  if (n < 2) return trend;
  trend.slope_per_s = least_squares_slope(t.first(n), v.first(n));
  trend.span_s = t[n - 1] - t[0];

  // The late window starts at the last point at or before (end - kLateFraction * span), so
  // that it always holds at least one interval.
  double window_start = t[n - 1] - kLateFraction * trend.span_s;
  size_t base = n - 2;
  for (size_t i = 0; i + 1 < n; ++i)
    if (t[i] <= window_start) base = i;
  trend.late_growth = trend.last - v[base];
  trend.late_span_s = t[n - 1] - t[base];
  if (trend.growth > 0 && trend.late_growth > 0) {
    if (trend.span_s > 0 && trend.late_span_s > 0) {
      double overall_rate = trend.growth / trend.span_s;
      double late_rate = trend.late_growth / trend.late_span_s;
      trend.still_growing = late_rate >= 0.25 * overall_rate;
    } else {
      // No usable times (imported text): compare per interval instead.
      double overall_step = trend.growth / static_cast<double>(n - 1);
      double late_step = trend.late_growth / static_cast<double>(n - 1 - base);
      trend.still_growing = late_step >= 0.25 * overall_step;
    }
  }
  return trend;
}

}  // namespace leakdbg::analysis
