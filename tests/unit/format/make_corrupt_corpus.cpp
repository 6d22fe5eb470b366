// Generates the corrupt-input corpus checked in under tests/data/corrupt/ (and the fuzz seeds
// under tests/fuzz/format/corpus/): `make_corrupt_corpus CORRUPT_DIR SEED_DIR`.
// Files named bad-* must be refused with one line; ok-* must load (they exercise the rules
// that let older readers take newer files: unknown sections, a larger header).
// The hand-made files are version 1 (blocks as BlockRecords), kept so that the reader goes on
// reading version 1; those named *-v2-* exercise the version-2 blocks encoding. ok-full and
// the truncations and flips made from it come from the writer, so they change with the
// version: the checked-in ones are version 1. After a format change, write the corpus to a
// temporary folder and copy the new files over.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "format/block_encoding.h"
#include "format/model_encoder.h"
#include "snapshot_fixture.h"

using namespace leakdbg;
using namespace leakdbg::test;
using fmt::SectionType;

namespace {

uint32_t type_of(SectionType t) { return static_cast<uint32_t>(t); }

std::string block_records(size_t n) {
  std::string raw;
  for (size_t i = 0; i < n; ++i) {
    fmt::BlockRecord r{};
    r.address = 0x1000 + i * 64;
    r.size = 24;
    r.stack_id = 1;
    raw += raw_of(r);
  }
  return raw;
}

// n blocks 64 bytes apart in the version-2 encoding.
std::string encoded_blocks(size_t n) {
  std::vector<fmt::BlockRecord> records(n);
  for (size_t i = 0; i < n; ++i) {
    records[i].address = 0x1000 + i * 64;
    records[i].size = 24;
    records[i].stack_id = 1;
    records[i].thread_id = 9;
    records[i].flags = fmt::kBlockContentValid;
    std::memcpy(records[i].content, "a block's bytes!", 16);
  }
  std::string out(fmt::max_encoded_bytes(n), '\0');
  out.resize(fmt::encode_blocks(records.data(), n, reinterpret_cast<uint8_t*>(out.data())));
  return out;
}

std::string one_stack(uint32_t id, uint32_t depth, size_t frames_present) {
  std::string raw = raw_of(uint32_t{1}) + raw_of(fmt::StackRecord{id, depth});
  for (size_t i = 0; i < frames_present; ++i) raw += raw_of(uint64_t{0x401000 + i});
  return raw;
}

void set_u64(std::string& bytes, size_t offset, uint64_t value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CORRUPT_DIR SEED_DIR\n", argv[0]);
    return 2;
  }
  fs::path out = argv[1], seeds = argv[2];
  fs::create_directories(out);
  fs::create_directories(seeds);
  auto put = [&](const std::string& name, const std::string& bytes) {
    write_file((out / name).string(), bytes);
  };

  // A real snapshot from the writer: the base of the truncations and flips.
  HeapModel model = sample_model();
  fs::path full = seeds / "ok-full.ldsnap";
  fmt::write_snapshot(model, full.string());
  std::string good = read_file(full.string());
  put("ok-full.ldsnap", good);

  const uint32_t blocks = type_of(SectionType::kBlocks);
  const uint32_t stacks = type_of(SectionType::kStacks);
  const uint32_t modules = type_of(SectionType::kModules);
  const uint32_t meta = type_of(SectionType::kMeta);

  put("ok-unknown-sections.ldsnap", SnapshotBytes(1)
                                        .meta()
                                        .section(77, "future data")
                                        .section(0x1234, "x", false)
                                        .section(blocks, block_records(2))
                                        .end()
                                        .bytes());
  put("ok-larger-header.ldsnap",
      SnapshotBytes(1, 40).meta().section(blocks, block_records(3)).end().bytes());
  put("ok-uncompressed.ldsnap", SnapshotBytes(1)
                                    .meta(7, "raw")
                                    .section(blocks, block_records(4), false)
                                    .section(stacks, one_stack(1, 2, 2), false)
                                    .end()
                                    .bytes());
  put("ok-split-blocks.ldsnap", SnapshotBytes(1)
                                    .meta()
                                    .section(blocks, block_records(2))
                                    .section(blocks, block_records(5))
                                    .end()
                                    .bytes());
  put("ok-meta-only.ldsnap", SnapshotBytes(1).meta().end().bytes());
  for (const char* name :
       {"ok-unknown-sections.ldsnap", "ok-larger-header.ldsnap", "ok-uncompressed.ldsnap"})
    fs::copy_file(out / name, seeds / name, fs::copy_options::overwrite_existing);

  put("bad-empty.ldsnap", "");
  put("bad-magic.ldsnap", "GIF89a" + good.substr(6));
  put("bad-text.ldsnap", "Name:\tserver\nVmRSS:\t6144 kB\n");
  put("bad-magic-prefix.ldsnap", good.substr(0, 5));
  put("bad-newer-version.ldsnap", SnapshotBytes(fmt::kFormatVersion + 1).meta().end().bytes());
  put("bad-version-zero.ldsnap", SnapshotBytes(0).meta().end().bytes());
  put("bad-header-size-small.ldsnap", SnapshotBytes(1, 8).meta().end().bytes());
  {
    std::string b = SnapshotBytes(1).meta().end().bytes();
    uint32_t huge = 0xFFFFFFF0;
    std::memcpy(b.data() + 12, &huge, 4);
    put("bad-header-size-huge.ldsnap", b);
  }
  // Truncations: inside the file header, a section header, a payload, and just before the end.
  for (size_t cut : {size_t{9}, size_t{16}, size_t{30}, size_t{60}, good.size() / 2,
                     good.size() - 33, good.size() - 1}) {
    char name[64];
    std::snprintf(name, sizeof name, "bad-truncated-%06zu.ldsnap", cut);
    put(name, good.substr(0, cut));
  }
  // Flips in the first section header (its type: then no meta section; its sizes and CRC)
  // and in payloads (caught by the CRC). A flipped type elsewhere only hides that section.
  for (size_t at : {size_t{16}, size_t{24}, size_t{32}, size_t{40}, size_t{53}, size_t{100},
                    good.size() / 2 + 9, good.size() - 40}) {
    std::string b = good;
    b[at] = static_cast<char>(b[at] ^ 0x41);
    char name[64];
    std::snprintf(name, sizeof name, "bad-flip-%06zu.ldsnap", at);
    put(name, b);
  }
  put("bad-crc.ldsnap",
      SnapshotBytes(1).meta().section(blocks, block_records(3), true, 1).end().bytes());
  {
    std::string b = SnapshotBytes(1).meta().end().bytes();
    set_u64(b, 16 + 8, UINT64_MAX - 5);  // meta's stored_size
    put("bad-huge-stored-size.ldsnap", b);
    b = SnapshotBytes(1).meta().end().bytes();
    set_u64(b, 16 + 16, uint64_t{1} << 60);  // meta's raw_size, CRC still right
    put("bad-huge-raw-size.ldsnap", b);
  }
  // A blocks section whose raw_size says one record less or more than the frame holds.
  for (int delta : {-64, 64}) {
    SnapshotBytes s;
    s.meta();
    std::string before = s.bytes();
    s.section(blocks, block_records(3)).end();
    std::string b = s.bytes();
    set_u64(b, before.size() + 16, static_cast<uint64_t>(3 * 64 + delta));
    put(delta < 0 ? "bad-raw-size-smaller.ldsnap" : "bad-raw-size-larger.ldsnap", b);
  }
  {
    SnapshotBytes s;
    s.meta();
    std::string before = s.bytes();
    s.section(blocks, block_records(2), false).end();
    std::string b = s.bytes();
    set_u64(b, before.size() + 16, 64);  // uncompressed, raw_size != stored_size
    put("bad-uncompressed-size.ldsnap", b);
  }
  {
    SnapshotBytes s;
    s.meta();
    std::string before = s.bytes();
    s.section(blocks, block_records(1)).end();
    std::string b = s.bytes();
    uint32_t flags = 0x10 | fmt::kSectionZstd;
    std::memcpy(b.data() + before.size() + 4, &flags, 4);
    put("bad-unknown-flags.ldsnap", b);
  }
  put("bad-not-zstd.ldsnap", [&] {
    // Flagged as zstd, but holds plain bytes (with a matching CRC).
    SnapshotBytes s;
    s.meta();
    std::string before = s.bytes();
    s.section(blocks, block_records(1), false).end();
    std::string b = s.bytes();
    uint32_t flags = fmt::kSectionZstd;
    std::memcpy(b.data() + before.size() + 4, &flags, 4);
    return b;
  }());
  put("bad-no-meta.ldsnap", SnapshotBytes(1).section(blocks, block_records(1)).end().bytes());
  put("bad-no-end.ldsnap", SnapshotBytes(1).meta().section(blocks, block_records(1)).bytes());
  put("bad-trailing-bytes.ldsnap", SnapshotBytes(1).meta().end().bytes() + "junk");
  put("bad-two-meta.ldsnap", SnapshotBytes(1).meta().meta().end().bytes());
  put("bad-blocks-not-multiple.ldsnap",
      SnapshotBytes(1).meta().section(blocks, block_records(2) + "xyz").end().bytes());
  {
    fmt::MetaRecord r{};
    r.argc = 5;
    std::string strings = std::string("/bin/x") + '\0' + '\0' + "/" + '\0' + "only-one" + '\0';
    r.strings_size = static_cast<uint32_t>(strings.size());
    put("bad-meta-argc.ldsnap", SnapshotBytes(1).section(meta, raw_of(r) + strings).end().bytes());
    r.argc = 0;
    strings = std::string("/bin/x") + '\0' + "label" + '\0' + "/no-nul";
    r.strings_size = static_cast<uint32_t>(strings.size());
    put("bad-meta-no-nul.ldsnap",
        SnapshotBytes(1).section(meta, raw_of(r) + strings).end().bytes());
    r.strings_size = 0x7FFFFFFF;
    put("bad-meta-strings-size.ldsnap",
        SnapshotBytes(1).section(meta, raw_of(r) + strings).end().bytes());
    put("bad-meta-short.ldsnap",
        SnapshotBytes(1).section(meta, raw_of(r).substr(0, 20)).end().bytes());
  }
  put("bad-modules-count.ldsnap",
      SnapshotBytes(1).meta().section(modules, raw_of(uint32_t{0xFFFFFFFF})).end().bytes());
  {
    fmt::ModuleRecord m{};
    m.path_size = 0x10000000;
    put("bad-module-path.ldsnap", SnapshotBytes(1)
                                      .meta()
                                      .section(modules, raw_of(uint32_t{1}) + raw_of(m) + "/lib")
                                      .end()
                                      .bytes());
    m.path_size = 4;
    m.segment_count = 1;
    fmt::SegmentRecord seg{0x2000, 0x1000, 0, 5, 0};
    put("bad-segment-reversed.ldsnap",
        SnapshotBytes(1)
            .meta()
            .section(modules, raw_of(uint32_t{1}) + raw_of(m) + "/lib" + raw_of(seg))
            .end()
            .bytes());
    m.segment_count = 60000;
    put("bad-segment-count.ldsnap",
        SnapshotBytes(1)
            .meta()
            .section(modules, raw_of(uint32_t{1}) + raw_of(m) + "/lib" + raw_of(seg))
            .end()
            .bytes());
  }
  put("bad-stack-depth.ldsnap",
      SnapshotBytes(1).meta().section(stacks, one_stack(1, 0xFFFFFFFF, 3)).end().bytes());
  put("bad-stack-id-zero.ldsnap",
      SnapshotBytes(1).meta().section(stacks, one_stack(0, 1, 1)).end().bytes());
  put("bad-stack-duplicate.ldsnap", SnapshotBytes(1)
                                        .meta()
                                        .section(stacks, one_stack(5, 1, 1))
                                        .section(stacks, one_stack(5, 2, 2))
                                        .end()
                                        .bytes());
  put("bad-stacks-trailing.ldsnap",
      SnapshotBytes(1).meta().section(stacks, one_stack(1, 1, 2)).end().bytes());
  {
    fmt::ThreadRecord t{1, 0xFFFF, 0, 0};
    put("bad-thread-name.ldsnap",
        SnapshotBytes(1)
            .meta()
            .section(type_of(SectionType::kThreads), raw_of(uint32_t{1}) + raw_of(t) + "main")
            .end()
            .bytes());
  }
  put("bad-stats-size.ldsnap",
      SnapshotBytes(1)
          .meta()
          .section(type_of(SectionType::kTrackerStats), std::string(100, '\0'))
          .end()
          .bytes());
  put("bad-two-status.ldsnap", SnapshotBytes(1)
                                   .meta()
                                   .section(type_of(SectionType::kProcStatus), "a")
                                   .section(type_of(SectionType::kProcStatus), "b")
                                   .end()
                                   .bytes());
  {
    // Reachability sections: classes that do not number the blocks, unknown values,
    // referrers without classes, a second summary.
    fmt::BlockRecord block{};
    block.address = 0x1000;
    fmt::BlockReachRecord cls{};
    cls.reach_class = 1;
    const uint32_t classes = type_of(SectionType::kBlockClasses);
    put("bad-classes-count.ldsnap", SnapshotBytes(1)
                                        .meta()
                                        .section(blocks, raw_of(block))
                                        .section(classes, raw_of(cls) + raw_of(cls))
                                        .end()
                                        .bytes());
    cls.reach_class = 9;
    put("bad-class-unknown.ldsnap", SnapshotBytes(1)
                                        .meta()
                                        .section(blocks, raw_of(block))
                                        .section(classes, raw_of(cls))
                                        .end()
                                        .bytes());
    cls.reach_class = 1;
    cls.parent_kind = 40;
    put("bad-class-parent-kind.ldsnap", SnapshotBytes(1)
                                            .meta()
                                            .section(blocks, raw_of(block))
                                            .section(classes, raw_of(cls))
                                            .end()
                                            .bytes());
    fmt::ReferrerRecord referrer{};
    referrer.kind = 1;
    put("bad-referrers-alone.ldsnap",
        SnapshotBytes(1)
            .meta()
            .section(type_of(SectionType::kReferrers), raw_of(referrer))
            .end()
            .bytes());
    // Region referrers (type 19): without region classes, or of an unknown kind.
    cls.parent_kind = 0;
    fmt::RegionRecord region{};
    region.address = 0x7f0000000000;
    region.length = 4096;
    region.flags = fmt::kRegionAnonymous;
    fmt::ReferrerRecord region_referrer{};
    region_referrer.target = region.address;
    region_referrer.slot = 0x601000;
    region_referrer.kind = 2;
    // One classified block and one region, with or without the region's classes.
    auto with_region = [&](bool region_classes, const fmt::ReferrerRecord& record) {
      SnapshotBytes bytes(1);
      bytes.meta()
          .section(blocks, raw_of(block))
          .section(classes, raw_of(cls))
          .section(type_of(SectionType::kMmapRegions), raw_of(region));
      if (region_classes) bytes.section(type_of(SectionType::kRegionClasses), raw_of(cls));
      return bytes.section(type_of(SectionType::kRegionReferrers), raw_of(record)).end().bytes();
    };
    put("bad-region-referrers-alone.ldsnap", with_region(false, region_referrer));
    fmt::ReferrerRecord bad_kind = region_referrer;
    bad_kind.kind = 12;
    put("bad-region-referrer-kind.ldsnap", with_region(true, bad_kind));
    put("ok-region-referrers.ldsnap", with_region(true, region_referrer));
    fs::copy_file(out / "ok-region-referrers.ldsnap", seeds / "ok-region-referrers.ldsnap",
                  fs::copy_options::overwrite_existing);
    fmt::ReachabilityRecord summary{};
    put("bad-reachability-twice.ldsnap",
        SnapshotBytes(1)
            .meta()
            .section(type_of(SectionType::kReachability), raw_of(summary))
            .section(type_of(SectionType::kReachability), raw_of(summary))
            .end()
            .bytes());
    put("bad-reachability-size.ldsnap",
        SnapshotBytes(1)
            .meta()
            .section(type_of(SectionType::kReachability), std::string(71, '\0'))
            .end()
            .bytes());
  }
  {
    // Version 2: the blocks encoding (docs/snapshot-format.md, "blocks, version 2").
    const std::string three = encoded_blocks(3);  // group: count 3, shift 6, 1 thread (9)
    put("ok-v2-full.ldsnap", good);
    put("ok-v2-blocks.ldsnap", SnapshotBytes(2)
                                   .meta()
                                   .section(blocks, three)
                                   .section(blocks, encoded_blocks(5), false)
                                   .end()
                                   .bytes());
    auto v2_blocks = [&](const std::string& name, const std::string& payload) {
      put(name, SnapshotBytes(2).meta().section(blocks, payload).end().bytes());
    };
    v2_blocks("bad-v2-truncated-group.ldsnap", three.substr(0, three.size() - 1));
    v2_blocks("bad-v2-truncated-varint.ldsnap", std::string("\x80", 1));
    v2_blocks("bad-v2-overlong-varint.ldsnap", std::string("\x83\x00", 2) + three.substr(1));
    v2_blocks("bad-v2-count-beyond-payload.ldsnap", "\x7f" + three.substr(1));
    std::string repeat = three;
    repeat[three.size() - 16 - 4] = 0;  // the third block's address step (after its head): 0
    v2_blocks("bad-v2-address-repeats.ldsnap", repeat);
    std::string past = three;
    past[1] = 63;  // a shift that takes the first address past 64 bits
    v2_blocks("bad-v2-address-past-64-bits.ldsnap", past);
    // No threads in the table: the first block's index 0 is beyond it.
    std::string thread = three.substr(0, 2) + '\0' + three.substr(4);
    v2_blocks("bad-v2-thread-index.ldsnap", thread);
    v2_blocks("bad-v2-v1-records.ldsnap", block_records(2));
    for (const char* name : {"ok-v2-full.ldsnap", "ok-v2-blocks.ldsnap"})
      fs::copy_file(out / name, seeds / name, fs::copy_options::overwrite_existing);
  }
  std::printf("corpus written to %s\n", out.c_str());
  return 0;
}
