#include "format/snapshot_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <set>

#include "format/block_encoding.h"
#include "format/byte_cursor.h"
#include "format/record_decoders.h"
#include "format/section_decoder.h"
#include "util/error.h"

namespace leakdbg::fmt {
namespace {

// Millions of blocks fill a vector of a hundred megabytes or more; with transparent huge
// pages in "madvise" mode (Debian's default) asking for them turns ~30,000 page faults into
// ~60, about a third of the load time.
void advise_huge_pages(void* data, size_t bytes) {
  constexpr size_t kMinBytes = 8 << 20, kPage = 4096;
  if (bytes < kMinBytes) return;
  auto begin = (reinterpret_cast<uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
  auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kPage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

// Appends one model value per record of a plain array section, converting piece by piece so
// that the raw payload is never held whole (a 2 M-block snapshot has 128 MB of BlockRecords).
template <typename Record, typename Value>
void decode_array(SectionDecoder& decoder, const SectionView& section, std::vector<Value>& out) {
  if (section.header.raw_size % sizeof(Record) != 0)
    throw Corrupt(section_name(section.header.type) + " section at offset " +
                  std::to_string(section.offset) + ": size " +
                  std::to_string(section.header.raw_size) + " is not a multiple of the " +
                  std::to_string(sizeof(Record)) + "-byte record");
  out.reserve(out.size() + section.header.raw_size / sizeof(Record));
  advise_huge_pages(out.data(), out.capacity() * sizeof(Value));
  decoder.decode_pieces(section, sizeof(Record), [&](std::string_view piece) {
    for (size_t at = 0; at + sizeof(Record) <= piece.size(); at += sizeof(Record)) {
      Record r;
      std::memcpy(&r, piece.data() + at, sizeof r);
      out.push_back(to_model(r));
    }
  });
}

template <typename T, typename Key>
void sort_by(std::vector<T>& v, Key key) {
  auto less = [&](const T& a, const T& b) { return key(a) < key(b); };
  if (!std::is_sorted(v.begin(), v.end(), less))
    std::sort(v.begin(), v.end(), less);  // in place: no second copy
}

class SnapshotParser {
 public:
  explicit SnapshotParser(std::string_view bytes) : bytes_(bytes) {}

  HeapModel parse() {
    uint64_t offset = parse_file_header();
    for (;;) {
      if (bytes_.size() - offset < sizeof(SectionHeader))
        throw Corrupt("truncated at offset " + std::to_string(offset) +
                      ": the file ends without its end section");
      SectionView section;
      std::memcpy(&section.header, bytes_.data() + offset, sizeof(SectionHeader));
      section.offset = offset;
      offset += sizeof(SectionHeader);
      if (section.header.type == static_cast<uint32_t>(SectionType::kEnd)) {
        const SectionHeader& h = section.header;
        if (h.flags || h.stored_size || h.raw_size || h.crc32)
          throw Corrupt("end section at offset " + std::to_string(offset - sizeof h) +
                        " has non-zero fields");
        break;
      }
      if (section.header.stored_size > bytes_.size() - offset)
        throw Corrupt("truncated: " + section_name(section.header.type) + " section at offset " +
                      std::to_string(section.offset) + " holds " +
                      std::to_string(section.header.stored_size) + " bytes, only " +
                      std::to_string(bytes_.size() - offset) + " present");
      section.stored = bytes_.substr(offset, section.header.stored_size);
      offset += section.header.stored_size;
      decoder_.validate(section);
      read_section(section);
    }
    if (offset != bytes_.size())
      throw Corrupt(std::to_string(bytes_.size() - offset) + " stray bytes after the end section");
    if (!seen(SectionType::kMeta)) throw Corrupt("no meta section");
    finish();
    return std::move(model_);
  }

 private:
  uint64_t parse_file_header() {
    if (bytes_.empty()) throw Corrupt("empty file");
    if (bytes_.size() < sizeof(FileHeader) ||
        std::memcmp(bytes_.data(), kMagic, sizeof kMagic) != 0) {
      size_t n = std::min(bytes_.size(), sizeof kMagic);
      if (bytes_.size() < sizeof(FileHeader) && std::memcmp(bytes_.data(), kMagic, n) == 0)
        throw Corrupt("truncated: " + std::to_string(bytes_.size()) +
                      " bytes, less than a file header");
      throw Corrupt("not a leakdbg snapshot (bad magic)");
    }
    FileHeader header;
    std::memcpy(&header, bytes_.data(), sizeof header);
    if (header.version == 0) throw Corrupt("invalid format version 0");
    if (header.version > kFormatVersion)
      throw Corrupt("snapshot format version " + std::to_string(header.version) +
                    " is newer than this leakdbg reads (version " + std::to_string(kFormatVersion) +
                    "); use a newer leakdbg");
    // A later version may grow the header; its extra fields are skipped.
    if (header.header_size < sizeof(FileHeader) || header.header_size > bytes_.size())
      throw Corrupt("invalid header size " + std::to_string(header.header_size));
    model_.format_version = header.version;
    return header.header_size;
  }

  bool seen(SectionType type) const { return seen_.count(static_cast<uint32_t>(type)) != 0; }

  // Sections holding one record or one text may appear once; list and array sections may be
  // split over several sections of the same type, which are concatenated.
  void expect_once(const SectionView& section) {
    if (!seen_.insert(section.header.type).second)
      throw Corrupt("second " + section_name(section.header.type) + " section at offset " +
                    std::to_string(section.offset));
  }

  void read_section(const SectionView& section) {
    switch (static_cast<SectionType>(section.header.type)) {
      case SectionType::kMeta:
        expect_once(section);
        decode_meta(decoder_.decode(section), model_);
        break;
      case SectionType::kModules:
        seen_.insert(section.header.type);
        decode_modules(decoder_.decode(section), model_.modules);
        break;
      case SectionType::kStacks:
        seen_.insert(section.header.type);
        decode_stacks(decoder_.decode(section), model_.stacks);
        break;
      case SectionType::kThreads:
        seen_.insert(section.header.type);
        decode_threads(decoder_.decode(section), model_.threads);
        break;
      case SectionType::kTrackerStats:
        expect_once(section);
        decode_tracker_stats(decoder_.decode(section), model_.stats);
        break;
      case SectionType::kBlocks:
        seen_.insert(section.header.type);
        if (model_.format_version >= 2)
          decode_blocks_v2(decoder_.decode(section), model_.blocks);
        else
          decode_array<BlockRecord>(decoder_, section, model_.blocks);
        break;
      case SectionType::kMmapRegions:
        seen_.insert(section.header.type);
        decode_array<RegionRecord>(decoder_, section, model_.regions);
        break;
      case SectionType::kArenas:
        seen_.insert(section.header.type);
        decode_array<ArenaRecord>(decoder_, section, model_.arenas);
        break;
      case SectionType::kSites:
        seen_.insert(section.header.type);
        decode_array<SiteRecord>(decoder_, section, model_.sites);
        break;
      case SectionType::kTimeSeries:
        seen_.insert(section.header.type);
        decode_array<SampleRecord>(decoder_, section, model_.samples);
        break;
      case SectionType::kProcStatus:
        expect_once(section);
        model_.proc_status = decoder_.decode(section);
        break;
      case SectionType::kSmaps:
        expect_once(section);
        model_.smaps = decoder_.decode(section);
        break;
      case SectionType::kSmapsRollup:
        expect_once(section);
        model_.smaps_rollup = decoder_.decode(section);
        break;
      case SectionType::kReachability:
        expect_once(section);
        decode_reachability(decoder_.decode(section), model_.reachability);
        break;
      case SectionType::kBlockClasses:
        seen_.insert(section.header.type);
        decode_array<BlockReachRecord>(decoder_, section, classes_);
        break;
      case SectionType::kReferrers:
        seen_.insert(section.header.type);
        decode_array<ReferrerRecord>(decoder_, section, model_.referrers);
        break;
      case SectionType::kRegionClasses:
        seen_.insert(section.header.type);
        decode_array<BlockReachRecord>(decoder_, section, region_classes_);
        break;
      case SectionType::kRegionReferrers:
        seen_.insert(section.header.type);
        decode_array<RegionReferrerRecord>(decoder_, section, model_.region_referrers);
        break;
      case SectionType::kEnd:
        break;
      default:
        break;  // a section of a later writer: its CRC was checked, its content is skipped
    }
  }

  template <class Item>
  static void apply_class(const BlockReachRecord& r, Item& item) {
    item.reach = static_cast<ReachClass>(r.reach_class);
    item.parent_kind = static_cast<ReferrerKind>(r.parent_kind);
    item.referrer_count = r.referrer_count;
    item.parent_tid = r.parent_tid;
    item.parent_slot = r.parent_slot;
  }

  // Classes are in the blocks' (regions') file order: joined before they are sorted.
  void join_classes() {
    if (!seen(SectionType::kBlockClasses)) {
      if (!model_.referrers.empty()) throw Corrupt("referrers section without block classes");
      if (seen(SectionType::kRegionClasses))
        throw Corrupt("region classes section without block classes");
    }
    if (!model_.region_referrers.empty() && !seen(SectionType::kRegionClasses))
      throw Corrupt("region referrers section without region classes");
    if (!seen(SectionType::kBlockClasses)) return;
    if (seen(SectionType::kRegionClasses)) {
      if (region_classes_.size() != model_.regions.size())
        throw Corrupt("region classes section holds " + std::to_string(region_classes_.size()) +
                      " records for " + std::to_string(model_.regions.size()) + " regions");
      for (size_t i = 0; i < region_classes_.size(); ++i)
        apply_class(region_classes_[i], model_.regions[i]);
      std::vector<BlockReachRecord>().swap(region_classes_);
      model_.caps.region_classes = true;
    }
    if (classes_.size() != model_.blocks.size())
      throw Corrupt("block classes section holds " + std::to_string(classes_.size()) +
                    " records for " + std::to_string(model_.blocks.size()) + " blocks");
    for (size_t i = 0; i < classes_.size(); ++i) apply_class(classes_[i], model_.blocks[i]);
    std::vector<BlockReachRecord>().swap(classes_);
    sort_by(model_.referrers, [](const Referrer& r) { return r.target; });
    sort_by(model_.region_referrers, [](const Referrer& r) { return r.target; });
    model_.caps.reachability = true;
  }

  void finish() {
    join_classes();
    sort_by(model_.stacks, [](const Stack& s) { return s.id; });
    for (size_t i = 1; i < model_.stacks.size(); ++i)
      if (model_.stacks[i].id == model_.stacks[i - 1].id)
        throw Corrupt("stack id " + std::to_string(model_.stacks[i].id) + " appears twice");
    sort_by(model_.blocks, [](const Block& b) { return b.address; });
    sort_by(model_.regions, [](const Region& r) { return r.address; });
    sort_by(model_.arenas, [](const Arena& a) { return a.index; });

    model_.source_kind = "ldsnap";
    Capabilities& caps = model_.caps;
    caps.block_addresses = true;
    caps.stacks_are_addresses = true;
    caps.contents = std::any_of(model_.blocks.begin(), model_.blocks.end(),
                                [](const Block& b) { return b.content_valid(); });
    caps.arenas = seen(SectionType::kArenas);
    caps.regions = seen(SectionType::kMmapRegions);
    caps.process_memory = seen(SectionType::kProcStatus) || seen(SectionType::kSmapsRollup) ||
                          seen(SectionType::kSmaps);
    caps.time_series = seen(SectionType::kTimeSeries);
  }

  std::string_view bytes_;
  SectionDecoder decoder_;
  HeapModel model_;
  std::vector<BlockReachRecord> classes_;
  std::vector<BlockReachRecord> region_classes_;
  std::set<uint32_t> seen_;
};

}  // namespace

bool looks_like_snapshot(std::string_view first_bytes) {
  return first_bytes.size() >= sizeof kMagic &&
         std::memcmp(first_bytes.data(), kMagic, sizeof kMagic) == 0;
}

HeapModel read_snapshot_bytes(std::string_view bytes, const std::string& name) {
  try {
    HeapModel model = SnapshotParser(bytes).parse();
    model.source_path = name;
    return model;
  } catch (const Corrupt& e) {
    throw Error(name + ": " + e.what());
  } catch (const std::bad_alloc&) {
    throw Error(name + ": not enough memory to load this snapshot");
  }
}

HeapModel read_snapshot(const std::string& path) {
  // O_NONBLOCK: a FIFO must not block the open; it is refused below as not a regular file.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) throw Error(path + ": cannot stat: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw Error(path + ": is a directory, expected a snapshot file");
  if (!S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
  size_t size = static_cast<size_t>(st.st_size);
  // Uninitialised on purpose: it is filled by read() at once, and zeroing it first would
  // touch every page twice.
  auto buffer = std::make_unique_for_overwrite<char[]>(std::max<size_t>(size, 1));
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, buffer.get() + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(path + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;  // shrank while reading: parse what is there, it will say truncated
    got += static_cast<size_t>(n);
  }
  return read_snapshot_bytes(std::string_view(buffer.get(), got), path);
}

}  // namespace leakdbg::fmt
