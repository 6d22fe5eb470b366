#include <gtest/gtest.h>

#include <map>

#include "export/pprof_encode.h"
#include "export/stack_profile.h"
#include "protobuf_reader.h"
#include "synthetic_models.h"

namespace leakdbg::exporter {
namespace {

using testpb::Field;
using testpb::fields_numbered;

struct Decoded {
  std::vector<std::string> strings;
  std::vector<Field> fields;
  std::vector<std::pair<std::string, std::string>> sample_types;
  // Per sample: function names innermost first (one per line, inlined ones included) and
  // the two values.
  struct Sample {
    std::vector<std::string> functions;
    int64_t objects = 0, bytes = 0;
    std::string kind;
  };
  std::vector<Sample> samples;
  std::map<uint64_t, std::vector<uint64_t>> location_functions;  // location id -> function ids
  std::map<uint64_t, std::vector<int64_t>> location_lines;
};

Decoded decode(const std::string& gz) {
  Decoded d;
  d.fields = testpb::parse(testpb::gunzip(gz));
  for (const Field& f : fields_numbered(d.fields, 6)) d.strings.push_back(f.bytes);
  for (const Field& f : fields_numbered(d.fields, 1)) {
    auto vt = testpb::parse(f.bytes);
    d.sample_types.emplace_back(d.strings.at(vt.at(0).varint), d.strings.at(vt.at(1).varint));
  }
  std::map<uint64_t, std::string> function_names;
  for (const Field& f : fields_numbered(d.fields, 5)) {
    auto fn = testpb::parse(f.bytes);
    function_names[fields_numbered(fn, 1).at(0).varint] =
        d.strings.at(fields_numbered(fn, 2).at(0).varint);
  }
  for (const Field& f : fields_numbered(d.fields, 4)) {
    auto loc = testpb::parse(f.bytes);
    uint64_t id = fields_numbered(loc, 1).at(0).varint;
    for (const Field& line : fields_numbered(loc, 4)) {
      auto l = testpb::parse(line.bytes);
      d.location_functions[id].push_back(fields_numbered(l, 1).at(0).varint);
      d.location_lines[id].push_back(static_cast<int64_t>(fields_numbered(l, 2).at(0).varint));
    }
  }
  for (const Field& f : fields_numbered(d.fields, 2)) {
    auto s = testpb::parse(f.bytes);
    Decoded::Sample sample;
    for (uint64_t id : testpb::packed_varints(fields_numbered(s, 1).at(0).bytes))
      for (uint64_t fn : d.location_functions.at(id))
        sample.functions.push_back(function_names[fn]);
    auto values = testpb::packed_varints(fields_numbered(s, 2).at(0).bytes);
    sample.objects = static_cast<int64_t>(values.at(0));
    sample.bytes = static_cast<int64_t>(values.at(1));
    auto label = testpb::parse(fields_numbered(s, 3).at(0).bytes);
    sample.kind = d.strings.at(fields_numbered(label, 2).at(0).varint);
    d.samples.push_back(sample);
  }
  return d;
}

HeapModel snapshot(int second, uint64_t leaked_blocks) {
  synth::SnapshotBuilder b(7, static_cast<uint64_t>(second), second);
  uint32_t leak = b.site("Parser::keep_copy", "parser.cpp", 42);
  uint32_t steady = b.site("Cache::fill", "cache.cpp", 7);
  b.blocks(leak, leaked_blocks, 64, 0.5);
  b.blocks(steady, 10, 1000, 0.5);
  b.region(steady, 1 << 20, 0.5);
  return b.build();
}

TEST(Pprof, SampleTypesValuesAndStacks) {
  HeapModel model = snapshot(1, 100);
  Decoded d = decode(pprof_file(profile_of(model, nullptr, {})));
  EXPECT_EQ(d.strings.at(0), "");
  ASSERT_EQ(d.sample_types.size(), 2u);
  EXPECT_EQ(d.sample_types[0], (std::pair<std::string, std::string>{"inuse_objects", "count"}));
  EXPECT_EQ(d.sample_types[1], (std::pair<std::string, std::string>{"inuse_space", "bytes"}));
  ASSERT_EQ(d.samples.size(), 3u);  // two heap stacks and one mmap stack
  // Largest first: the mmap region, then the cache's 10 000 bytes, then the 6 400 leaked.
  EXPECT_EQ(d.samples[0].kind, "mmap");
  EXPECT_EQ(d.samples[0].bytes, 1 << 20);
  EXPECT_EQ(d.samples[1].bytes, 10000);
  EXPECT_EQ(d.samples[1].objects, 10);
  EXPECT_EQ(d.samples[2].bytes, 6400);
  EXPECT_EQ(d.samples[2].objects, 100);
  EXPECT_EQ(d.samples[2].kind, "heap");
  // Innermost first, as pprof expects: malloc, the site, main.
  std::vector<std::string> expected{"malloc", "Parser::keep_copy", "main"};
  EXPECT_EQ(d.samples[2].functions, expected);
  // The allocator below the site is dropped by pprof, so the flat view names the site.
  EXPECT_EQ(d.strings.at(fields_numbered(d.fields, 7).at(0).varint), "malloc");
  uint64_t default_type = fields_numbered(d.fields, 14).at(0).varint;
  EXPECT_EQ(d.strings.at(default_type), "inuse_space");
}

TEST(Pprof, BaseGivesTheGrowth) {
  HeapModel base = snapshot(1, 100), now = snapshot(5, 500);
  Decoded d = decode(pprof_file(profile_of(now, &base, {})));
  // Only the leak changed; unchanged stacks are left out.
  ASSERT_EQ(d.samples.size(), 1u);
  EXPECT_EQ(d.samples[0].objects, 400);
  EXPECT_EQ(d.samples[0].bytes, 400 * 64);
  bool has_comment = !fields_numbered(d.fields, 13).empty();
  EXPECT_TRUE(has_comment);
  // The other way round the change is negative, and kept.
  Decoded back = decode(pprof_file(profile_of(base, &now, {})));
  ASSERT_EQ(back.samples.size(), 1u);
  EXPECT_EQ(back.samples[0].bytes, -400 * 64);
}

TEST(Pprof, InlinedFramesAreLinesOfOneLocation) {
  StackProfile profile;
  ProfileLocation location;
  location.address = 0x401234;
  SymbolicFrame inlined, outer;
  inlined.address = outer.address = 0x401234;
  inlined.module = outer.module = "app";
  inlined.function = "helper";
  inlined.file = "a.h";
  inlined.line = 3;
  inlined.inlined = true;
  outer.function = "caller";
  outer.file = "a.cpp";
  outer.line = 20;
  location.lines = {inlined, outer};
  profile.locations.push_back(location);
  profile.mappings.push_back({0x400000, 0x500000, 0, "/bin/app", "abcd"});
  profile.locations[0].mapping = 0;
  profile.samples.push_back({{0}, MemoryKind::kHeap, 1, 64});
  Decoded d = decode(pprof_file(profile));
  ASSERT_EQ(d.location_lines.at(1), (std::vector<int64_t>{3, 20}));
  ASSERT_EQ(d.samples.at(0).functions, (std::vector<std::string>{"helper", "caller"}));
  auto mapping = testpb::parse(fields_numbered(d.fields, 3).at(0).bytes);
  EXPECT_EQ(d.strings.at(fields_numbered(mapping, 6).at(0).varint), "abcd");  // build id
  EXPECT_EQ(d.strings.at(fields_numbered(mapping, 5).at(0).varint), "/bin/app");
  EXPECT_EQ(fields_numbered(mapping, 2).at(0).varint, 0x400000u);
}

}  // namespace
}  // namespace leakdbg::exporter
