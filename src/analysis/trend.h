// Time-series arithmetic for leak hunting: how a figure (bytes of one call site, private
// bytes of the process) moved over a series of snapshots. A leak grows steadily and keeps
// growing to the end; a warming cache grows and then stays flat; temporaries rise and fall.
// These numbers are what tells them apart; judging them is suspect.h's business.
#pragma once

#include <cstddef>
#include <span>

namespace leakdbg::analysis {

// Slope of the least-squares line through (t, v), in v units per t unit. 0 with fewer than
// two points or when every t is equal.
double least_squares_slope(std::span<const double> t, std::span<const double> v);

// The part of a run counted as its "end" when asking whether something still grows.
inline constexpr double kLateFraction = 1.0 / 3.0;

struct SeriesTrend {
  size_t points = 0;
  double first = 0, last = 0, peak = 0, trough = 0;
  double growth = 0;            // last - first
  double slope_per_s = 0;       // least squares over all points
  size_t intervals = 0;         // points - 1
  size_t intervals_grew = 0;    // v[i] > v[i-1]
  size_t intervals_shrank = 0;  // v[i] < v[i-1]
  double late_growth = 0;       // growth over the last kLateFraction of the time span
  double late_span_s = 0;       // length of that window (from the last point before it)
  double span_s = 0;            // t.back() - t.front()
  // The late window grows at least a quarter as fast as the run as a whole: a leak keeps
  // its pace, a cache that filled up early does not.
  bool still_growing = false;
};

// t must be non-decreasing (seconds); v the figure at each t. Both of equal size.
SeriesTrend trend_of(std::span<const double> t, std::span<const double> v);

}  // namespace leakdbg::analysis
