#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "report/html_page.h"
#include "report/report_build.h"
#include "report/source_excerpt.h"
#include "synthetic_models.h"

namespace leakdbg::report {
namespace {

std::string data_of(const std::string& page) {
  std::string open = "<script type=\"application/json\" id=\"leakdbg-data\">";
  size_t start = page.find(open);
  size_t end = page.find("</script>", start);
  if (start == std::string::npos || end == std::string::npos) return "";
  start += open.size();
  return page.substr(start, end - start);
}

// A leak, a cache that filled up early, over 10 s.
std::string page_for_leak() {
  std::vector<HeapModel> models;
  for (int second = 0; second <= 10; ++second) {
    synth::SnapshotBuilder b(9, static_cast<uint64_t>(second + 1), second);
    uint32_t leak = b.site("Parser::keep</script><b>", "parser.cpp", 42);
    uint32_t cache = b.site("Cache::fill", "cache.cpp", 7);
    for (int s = 1; s <= second; ++s) b.blocks(leak, 100, 64, s - 0.5);
    for (int s = 1; s <= std::min(second, 3); ++s) b.blocks(cache, 300, 128, s - 0.5);
    b.process((8 << 20) + 6400 * static_cast<uint64_t>(second), 12 << 20);
    models.push_back(b.build());
  }
  analysis::AnalyzeOptions options;
  options.frames = synth::fake_symbols();
  options.keep_site_series = true;
  ExtrasCollector extras;
  options.on_model = [&](const HeapModel& m) { extras.add(m); };
  size_t next = 0;
  analysis::AnalyzeReport report = analysis::analyze_stream(
      [&](HeapModel& model) {
        if (next == models.size()) return false;
        model = models[next++];
        return true;
      },
      options);
  return page_of(report, extras);
}

TEST(ReportPage, SelfContainedWithTheDataInline) {
  std::string page = page_for_leak();
  // Nothing is loaded from elsewhere: no src= or href= to another document, no URL but the
  // SVG namespace name (which is never fetched).
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  std::string without_namespace = page;
  const std::string kSvgNamespace = "http://www.w3.org/2000/svg";
  for (size_t at; (at = without_namespace.find(kSvgNamespace)) != std::string::npos;)
    without_namespace.erase(at, kSvgNamespace.size());
  EXPECT_EQ(without_namespace.find("http://"), std::string::npos);
  EXPECT_EQ(without_namespace.find("https://"), std::string::npos);
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
  // The markers of the template are all filled.
  EXPECT_EQ(page.find("{{"), std::string::npos);

  // The data parses back, and a function name holding "</script>" cannot end the element.
  std::string data_text = data_of(page);
  ASSERT_FALSE(data_text.empty());
  EXPECT_EQ(data_text.find('<'), std::string::npos);
  nlohmann::json data = nlohmann::json::parse(data_text);
  const auto& top = data["analysis"]["suspects"][0];
  EXPECT_TRUE(top["likely_leak"].get<bool>());
  EXPECT_EQ(top["site"]["function"], "Parser::keep</script><b>");
  // The rank-1 suspect's series: one point per snapshot, growing by 6 400 bytes a second.
  const auto& series = data["suspect_series"][0];
  ASSERT_EQ(series["bytes"].size(), 11u);
  EXPECT_EQ(series["bytes"][0], 0);
  EXPECT_EQ(series["bytes"][10], 64000);
  EXPECT_EQ(series["blocks"][10], 1000);
  EXPECT_EQ(data["series_times"].size(), 11u);
  EXPECT_EQ(data["snapshot_extras"].size(), 11u);
  EXPECT_EQ(data["flame"]["root"][1], 64000 + 900 * 128);  // live bytes of the last snapshot
  EXPECT_EQ(data["flame"]["root"][2], 64000 + 900 * 128);  // all of it grew since the first
}

TEST(ReportPage, TitleIsEscaped) {
  std::string page = render_page("a <b> & \"c\"", nlohmann::json::object());
  EXPECT_NE(page.find("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"), std::string::npos);
}

TEST(SourceExcerpt, LinesAroundTheSite) {
  auto excerpt = source_excerpt(REPORT_TEST_SOURCE, 10, 2);
  ASSERT_TRUE(excerpt.has_value());
  EXPECT_EQ(excerpt->first_line, 8u);
  EXPECT_EQ(excerpt->lines.size(), 5u);
  EXPECT_FALSE(source_excerpt("/nonexistent/file.cpp", 3).has_value());
  EXPECT_FALSE(source_excerpt(REPORT_TEST_SOURCE, 100000).has_value());
  EXPECT_FALSE(source_excerpt("/tmp", 1).has_value());  // a directory
}

}  // namespace
}  // namespace leakdbg::report
