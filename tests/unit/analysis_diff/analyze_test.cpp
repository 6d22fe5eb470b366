#include "analysis/analyze.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "analysis/analyze_render.h"
#include "analysis/suspect_text.h"
#include "synthetic_models.h"
#include "util/error.h"

namespace leakdbg::analysis {
namespace {

using synth::SnapshotBuilder;

AnalyzeReport analyze(std::vector<HeapModel> models, bool across_runs = false) {
  AnalyzeOptions options;
  options.frames = synth::fake_symbols();
  options.across_runs = across_runs;
  size_t next = 0;
  return analyze_stream(
      [&](HeapModel& model) {
        if (next == models.size()) return false;
        model = std::move(models[next++]);
        return true;
      },
      options);
}

std::string function_of(const Suspect& s) {
  const SymbolicFrame* frame = site_frame_of(s.frames, s.site);
  return frame ? frame->function : "";
}

const Suspect* find(const AnalyzeReport& report, const std::string& function) {
  for (const Suspect& s : report.suspects)
    if (function_of(s) == function) return &s;
  return nullptr;
}

// A process over 10 s: a leak (64 B blocks that are never freed, 100 a second), a cache
// that fills in the first 3 s and then holds, bursts of temporaries on every other snapshot,
// a pool whose blocks are freshly allocated each cycle, and a one-time allocation.
HeapModel mixed_process(uint32_t pid, int second, Trigger trigger = Trigger::kInterval) {
  SnapshotBuilder b(pid, static_cast<uint64_t>(second + 1), second, trigger);
  uint32_t leak = b.site("Parser::keep_copy", "parser.cpp", 42);
  uint32_t cache = b.site("Cache::fill", "cache.cpp", 7);
  uint32_t burst = b.site("Worker::scratch", "worker.cpp", 90);
  uint32_t pool = b.site("Pool::take", "pool.cpp", 12);
  uint32_t once = b.site("init_tables", "init.cpp", 3);
  for (int s = 1; s <= second; ++s) b.blocks(leak, 100, 64, s - 0.5);
  for (int s = 1; s <= std::min(second, 3); ++s) b.blocks(cache, 300, 128, s - 0.5, 1);
  if (second % 2 == 1) b.blocks(burst, 2000, 256, second - 0.01);
  b.blocks(pool, 200 + static_cast<uint64_t>(second % 3), 512, second - 0.05);
  if (second >= 5) b.blocks(once, 1, 300000, 4.5);
  uint64_t heap = 100 * 64 * static_cast<uint64_t>(second);
  b.process((8 << 20) + heap, (12 << 20) + heap);
  return b.build();
}

std::vector<HeapModel> mixed_run(uint32_t pid = 100) {
  std::vector<HeapModel> models;
  for (int s = 0; s <= 10; ++s) models.push_back(mixed_process(pid, s));
  return models;
}

TEST(Analyze, RanksTheTrueLeakFirstAndOnlyIt) {
  AnalyzeReport report = analyze(mixed_run());
  ASSERT_FALSE(report.suspects.empty());
  const Suspect& top = report.suspects.front();
  EXPECT_EQ(function_of(top), "Parser::keep_copy");
  EXPECT_TRUE(top.judgement.likely_leak) << reason_code_name(top.judgement.reason);
  EXPECT_EQ(top.trend.kind, SiteKind::kHeap);
  EXPECT_EQ(top.trend.bytes.growth, 1000 * 64);
  EXPECT_EQ(top.trend.blocks.growth, 1000);
  EXPECT_NEAR(top.trend.bytes.slope_per_s * 60, 6400 * 60, 1);
  EXPECT_NEAR(top.trend.survival, 1.0, 0.01);
  EXPECT_TRUE(report.leaking);
  EXPECT_EQ(report.verdict, VerdictKind::kLeak);
  EXPECT_NE(verdict_text(report).find("Parser::keep_copy at parser.cpp:42"), std::string::npos)
      << verdict_text(report);
  for (const Suspect& s : report.suspects)
    if (function_of(s) != "Parser::keep_copy") {
      EXPECT_FALSE(s.judgement.likely_leak)
          << function_of(s) << ": " << reason_code_name(s.judgement.reason);
    }
}

TEST(Analyze, NamesWhyTheLookAlikesAreNotLeaks) {
  AnalyzeReport report = analyze(mixed_run());
  const Suspect* cache = find(report, "Cache::fill");
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(cache->judgement.verdict_class, VerdictClass::kCache);
  std::string cache_words = reason_text(cache->trend, cache->judgement, report.has_times);
  EXPECT_NE(cache_words.find("flat"), std::string::npos) << cache_words;
  const Suspect* once = find(report, "init_tables");
  ASSERT_NE(once, nullptr);
  EXPECT_EQ(once->judgement.reason, ReasonCode::kOccasionalGrowth);
  // The burst site ends on an even second (no burst) and the pool barely changes: neither
  // grew enough over the run to be listed as a leak.
  for (const char* name : {"Worker::scratch", "Pool::take"})
    if (const Suspect* s = find(report, name)) {
      EXPECT_FALSE(s->judgement.likely_leak) << name;
    }
}

TEST(Analyze, ReportsProcessTrendKindsHeapsAndSizes) {
  AnalyzeReport report = analyze(mixed_run());
  EXPECT_EQ(report.series_points, 11u);
  EXPECT_TRUE(report.has_times);
  EXPECT_DOUBLE_EQ(report.duration_s, 10.0);
  ASSERT_TRUE(report.private_bytes.known);
  EXPECT_GT(report.private_bytes.growth, 0);
  EXPECT_NE(kinds_text(report).find("private +"), std::string::npos) << kinds_text(report);
  EXPECT_NE(kinds_text(report).find("heap +"), std::string::npos) << kinds_text(report);
  ASSERT_FALSE(report.heaps.empty());
  EXPECT_EQ(report.heaps.front().heap, "main arena");  // the leak and the one-time block
  ASSERT_FALSE(report.sizes.empty());
  EXPECT_EQ(report.sizes.front().size, 300000u);
  bool saw_64 = false;
  for (const SizeGrowth& s : report.sizes)
    if (s.size == 64) saw_64 = s.last.blocks - s.first.blocks == 1000;
  EXPECT_TRUE(saw_64);
}

// Growth freed only by static destructors stays the top suspect, as its own class.
TEST(Analyze, TeardownFreesAtExitDoNotEraseGrowth) {
  std::vector<HeapModel> models = mixed_run();
  // The exit snapshot, after static destructors freed the leaked container.
  SnapshotBuilder exit(100, 12, 10.5, Trigger::kExit);
  uint32_t once = exit.site("init_tables", "init.cpp", 3);
  exit.blocks(once, 1, 300000, 4.5);
  models.push_back(exit.build());
  AnalyzeReport report = analyze(std::move(models));
  ASSERT_FALSE(report.suspects.empty());
  const Suspect& top = report.suspects.front();
  EXPECT_EQ(function_of(top), "Parser::keep_copy");
  EXPECT_FALSE(top.judgement.likely_leak);
  EXPECT_EQ(top.judgement.verdict_class, VerdictClass::kHeldUntilExit);
  EXPECT_EQ(report.verdict, VerdictKind::kHeldUntilExit);
  EXPECT_EQ(verdict_text(report).rfind("GROWTH HELD UNTIL EXIT: 1 site grew", 0), 0u)
      << verdict_text(report);
  EXPECT_TRUE(top.trend.exit_known);
  EXPECT_EQ(top.trend.exit_blocks, 0u);
  EXPECT_TRUE(report.has_exit);
  EXPECT_EQ(report.exit_heap.blocks, 1u);
  ASSERT_EQ(report.exit_sites.size(), 1u);
  EXPECT_EQ(report.series_points, 11u);  // the exit snapshot is not part of the trend
}

TEST(Analyze, SteadyProgramHasNoLikelyLeak) {
  std::vector<HeapModel> models;
  for (int s = 0; s <= 8; ++s) {
    SnapshotBuilder b(7, static_cast<uint64_t>(s + 1), s * 0.5);
    uint32_t cache = b.site("Cache::fill", "cache.cpp", 7);
    uint32_t temp = b.site("render_frame", "render.cpp", 30);
    for (int k = 1; k <= std::min(s, 2); ++k) b.blocks(cache, 500, 96, k * 0.5 - 0.2);
    b.blocks(temp, s % 2 ? 4000 : 10, 1024, s * 0.5 - 0.01);
    models.push_back(b.build());
  }
  AnalyzeReport report = analyze(std::move(models));
  EXPECT_FALSE(report.leaking);
  for (const Suspect& s : report.suspects)
    EXPECT_FALSE(s.judgement.likely_leak) << reason_code_name(s.judgement.reason);
  EXPECT_EQ(report.verdict, VerdictKind::kNoLeak);
  EXPECT_NE(verdict_text(report).find("no likely leak"), std::string::npos) << verdict_text(report);
}

TEST(Analyze, LeakedMmapRegionsAreSuspectsOfTheirOwnKind) {
  std::vector<HeapModel> models;
  for (int s = 0; s <= 6; ++s) {
    SnapshotBuilder b(9, static_cast<uint64_t>(s + 1), s);
    uint32_t mapper = b.site("Arena::grab_pages", "arena.cpp", 55);
    uint32_t small = b.site("note", "log.cpp", 2);
    for (int k = 1; k <= s; ++k) b.region(mapper, 1 << 20, k - 0.5);
    b.blocks(small, 10, 32, 0);
    models.push_back(b.build());
  }
  AnalyzeReport report = analyze(std::move(models));
  ASSERT_FALSE(report.suspects.empty());
  EXPECT_EQ(report.suspects.front().trend.kind, SiteKind::kMmap);
  EXPECT_TRUE(report.suspects.front().judgement.likely_leak);
  EXPECT_EQ(function_of(report.suspects.front()), "Arena::grab_pages");
  EXPECT_EQ(report.mmap.growth, 6 << 20);
}

TEST(Analyze, SingleSnapshotListsWhatIsLiveAndSaysWhatCannotBeTold) {
  std::vector<HeapModel> models;
  models.push_back(mixed_process(5, 4));
  AnalyzeReport report = analyze(std::move(models));
  EXPECT_FALSE(report.leaking);
  EXPECT_EQ(report.series_points, 1u);
  ASSERT_FALSE(report.notes.empty());
  EXPECT_EQ(report.notes.front(), NoteCode::kOneSnapshot);
  EXPECT_NE(note_text(report, report.notes.front()).find("only one snapshot"), std::string::npos);
  ASSERT_FALSE(report.suspects.empty());
  EXPECT_GT(report.suspects.front().live_bytes, 0u);
  for (const Suspect& s : report.suspects) EXPECT_FALSE(s.judgement.likely_leak);
}

TEST(Analyze, MixedProcessesAreRefusedUnlessAcrossRuns) {
  std::vector<HeapModel> models = mixed_run(100);
  models.push_back(mixed_process(200, 11));
  try {
    analyze(models);
    FAIL() << "mixed processes accepted";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("different processes"), std::string::npos) << message;
    EXPECT_NE(message.find("--across-runs"), std::string::npos) << message;
  }
  AnalyzeReport report = analyze(std::move(models), true);
  EXPECT_EQ(report.runs, 2u);
}

TEST(Analyze, AcrossRunsMatchesSitesBySymbolsNotAddresses) {
  // Two runs of one build, code at different addresses: the first run's end and the second
  // run's later snapshots line up on the same site.
  std::vector<HeapModel> models;
  for (uint32_t pid : {300u, 301u}) {
    for (int s = 0; s < 3; ++s) {
      SnapshotBuilder b(pid, static_cast<uint64_t>(s + 1), (pid - 300) * 100 + s);
      b.use_addresses();
      uint32_t leak = b.site("Parser::keep_copy", "parser.cpp", 42);
      b.blocks(leak, static_cast<uint64_t>((pid - 300) * 300 + (s + 1) * 100), 64, 0);
      models.push_back(b.build());
    }
  }
  AnalyzeReport report = analyze(std::move(models), true);
  size_t sites_named = 0;
  for (const Suspect& s : report.suspects) sites_named += function_of(s) == "Parser::keep_copy";
  EXPECT_EQ(sites_named, 1u);
  ASSERT_FALSE(report.suspects.empty());
  EXPECT_EQ(report.suspects.front().trend.blocks.growth, 500);
  EXPECT_EQ(report.suspects.front().trend.bytes.points, 6u);
}

TEST(Analyze, RendersTextAndJson) {
  AnalyzeReport report = analyze(mixed_run());
  std::ostringstream text;
  print_analyze_text(text, report);
  std::string out = text.str();
  EXPECT_EQ(out.rfind("Verdict: LEAK", 0), 0u) << out.substr(0, 200);
  EXPECT_NE(out.find("Parser::keep_copy"), std::string::npos);
  nlohmann::json json = analyze_to_json(report);
  ASSERT_TRUE(json["suspects"].is_array());
  const auto& top = json["suspects"][0];
  EXPECT_EQ(top["rank"], 1);
  EXPECT_EQ(top["kind"], "heap");
  EXPECT_EQ(top["likely_leak"], true);
  EXPECT_EQ(top["growth_bytes"], 64000);
  EXPECT_EQ(top["growth_blocks"], 1000);
  EXPECT_EQ(top["bytes_per_minute"], 384000);
  EXPECT_TRUE(top["reason"].is_string());
  EXPECT_EQ(top["verdict_class"], "leak");
  EXPECT_EQ(top["reason_code"], "still_growing");
  EXPECT_TRUE(top["unreachable_blocks"].is_null());
  EXPECT_EQ(json["verdict"]["verdict_class"], "leak");
  ASSERT_TRUE(top["frames"].is_array());
  EXPECT_EQ(top["site"]["function"], "Parser::keep_copy");
  EXPECT_EQ(top["site"]["line"], 42);
  EXPECT_TRUE(json["verdict"]["leaking"].get<bool>());
  EXPECT_TRUE(json["kinds"]["summary"].is_string());
}

// A service: its registry grows 100 entries a second, a config is loaded once, a scratch
// buffer comes and goes. At the end it tears everything down; `teardown` lists the times
// of snapshots taken while it does (the registry and config half freed, then nearly all).
std::vector<HeapModel> service_run(const std::vector<double>& teardown, bool with_exit = true) {
  std::vector<HeapModel> models;
  uint64_t sequence = 1;
  auto add_running = [&](int second) {
    SnapshotBuilder b(40, sequence++, second);
    uint32_t registry = b.site("Registry::add", "registry.cpp", 31);
    uint32_t config = b.site("Config::load", "config.cpp", 9);
    uint32_t scratch = b.site("Handler::scratch", "handler.cpp", 77);
    for (int s = 1; s <= second; ++s) b.blocks(registry, 100, 128, s - 0.5);
    b.blocks(config, 40, 1024, 0);
    if (second % 2 == 1) b.blocks(scratch, 20, 4096, second - 0.01);
    b.tracker_bytes((10u << 20) + static_cast<uint64_t>(second) * (1u << 20));
    b.process((20u << 20) + static_cast<uint64_t>(second) * (1u << 20) + 12800u * second,
              (30u << 20) + static_cast<uint64_t>(second) * (1u << 20) + 12800u * second);
    models.push_back(b.build());
  };
  for (int second = 0; second <= 10; ++second) add_running(second);
  double fraction = 0.5;
  for (double t : teardown) {
    SnapshotBuilder b(40, sequence++, t);
    uint32_t registry = b.site("Registry::add", "registry.cpp", 31);
    uint32_t config = b.site("Config::load", "config.cpp", 9);
    b.blocks(registry, static_cast<uint64_t>(1000 * (1 - fraction)), 128, 1);
    b.blocks(config, static_cast<uint64_t>(40 * (1 - fraction)), 1024, 0);
    models.push_back(b.build());
    fraction = 0.95;
  }
  if (with_exit) {
    SnapshotBuilder exit(40, sequence++, 11, Trigger::kExit);
    uint32_t config = exit.site("Config::load", "config.cpp", 9);
    exit.blocks(config, 1, 1024, 0);
    models.push_back(exit.build());
  }
  return models;
}

// Wherever the interval boundaries fall, the teardown changes neither the rank-1 site nor
// its class: the running phase decides.
TEST(Analyze, TeardownSnapshotsDoNotChangeTheVerdict) {
  AnalyzeReport plain = analyze(service_run({}));
  AnalyzeReport one = analyze(service_run({10.5}));
  AnalyzeReport two = analyze(service_run({10.3, 10.6}));
  EXPECT_FALSE(plain.teardown.detected);
  EXPECT_TRUE(one.teardown.detected);
  ASSERT_TRUE(two.teardown.detected);
  // The burst of temporaries at second 9 falls with the teardown, so the decline starts
  // there: second 10 joins the two teardown snapshots.
  EXPECT_GE(two.teardown.points, 2u);
  EXPECT_EQ(two.series_points + two.teardown.points, 13u);
  EXPECT_GE(two.teardown.falling_sites, 2u);
  for (const AnalyzeReport* report : {&plain, &one, &two}) {
    ASSERT_FALSE(report->suspects.empty());
    const Suspect& top = report->suspects.front();
    EXPECT_EQ(function_of(top), "Registry::add");
    EXPECT_EQ(top.judgement.verdict_class, VerdictClass::kHeldUntilExit);
    EXPECT_EQ(top.judgement.reason, ReasonCode::kFreedOnlyAtTeardown);
    EXPECT_TRUE(top.trend.bytes.still_growing);
    EXPECT_EQ(report->verdict, VerdictKind::kHeldUntilExit);
    EXPECT_FALSE(report->leaking);
  }
  bool noted = false;
  for (NoteCode note : two.notes) noted = noted || note == NoteCode::kTeardownLeftOut;
  EXPECT_TRUE(noted);
  nlohmann::json json = analyze_to_json(two);
  EXPECT_EQ(json["teardown"]["detected"], true);
  EXPECT_EQ(json["snapshots"][12]["in_teardown"], true);
  EXPECT_EQ(json["snapshots"][13]["in_teardown"], false);  // the exit snapshot
}

// Without an exit snapshot the program may still be running: a fall at the end is not
// teardown, and the trend keeps it.
TEST(Analyze, AFallWithoutAnExitSnapshotIsNotTeardown) {
  AnalyzeReport report = analyze(service_run({10.3, 10.6}, false));
  EXPECT_FALSE(report.teardown.detected);
  EXPECT_EQ(report.series_points, 13u);
}

TEST(Analyze, TheTrackersOwnMemoryIsSubtractedAndShownApart) {
  AnalyzeReport report = analyze(service_run({}));
  ASSERT_TRUE(report.tracker.known);
  EXPECT_EQ(report.tracker.first, 10u << 20);
  EXPECT_EQ(report.tracker.growth, 10 << 20);
  EXPECT_TRUE(report.tracker_subtracted);
  ASSERT_TRUE(report.private_bytes.known);
  // 12800 B a second of program growth, not the tracker's 1 MiB a second (kB rounding of
  // /proc figures aside).
  EXPECT_NEAR(static_cast<double>(report.private_bytes.growth), 128000, 4096);
  EXPECT_NEAR(static_cast<double>(report.rss.growth), 128000, 4096);
  std::ostringstream text;
  print_analyze_text(text, report);
  EXPECT_NE(text.str().find("\ntracker "), std::string::npos) << text.str();
}

// A C wrapper used by three callers: each caller is its own suspect, named by itself.
TEST(Analyze, SitesAreNamedPastForwardingWrappers) {
  std::vector<HeapModel> models;
  for (int second = 0; second <= 5; ++second) {
    SnapshotBuilder b(50, static_cast<uint64_t>(second + 1), second);
    std::vector<uint32_t> stacks;
    for (const char* caller : {"load_users", "load_groups", "remember_event"}) {
      SymbolicFrame malloc_frame, wrapper, site, main_frame;
      malloc_frame.module = "libc.so.6";
      malloc_frame.function = "malloc";
      wrapper.module = site.module = main_frame.module = "app";
      wrapper.function = "xalloc";
      wrapper.file = "util.c";
      wrapper.line = 12;
      site.function = caller;
      site.file = "app.c";
      site.line = 40;
      main_frame.function = "main";
      stacks.push_back(b.stack({malloc_frame, wrapper, site, main_frame}));
    }
    b.blocks(stacks[0], 10, 64, 0);
    b.blocks(stacks[1], 10, 64, 0);
    for (int s = 1; s <= second; ++s) b.blocks(stacks[2], 50, 64, s - 0.5);
    models.push_back(b.build());
  }
  AnalyzeReport report = analyze(std::move(models));
  ASSERT_FALSE(report.suspects.empty());
  EXPECT_EQ(function_of(report.suspects.front()), "remember_event");
  nlohmann::json json = analyze_to_json(report);
  EXPECT_EQ(json["suspects"][0]["site"]["function"], "remember_event");
  EXPECT_EQ(json["suspects"][0]["site_wrapper"]["function"], "xalloc");
}

}  // namespace
}  // namespace leakdbg::analysis
