#include "export/pprof_encode.h"

#include <map>
#include <set>
#include <unordered_map>

#include "analysis/site_label.h"
#include "export/gzip.h"
#include "export/protobuf_writer.h"

namespace leakdbg::exporter {

namespace {

// Field numbers of profile.proto.
namespace field {
constexpr uint32_t kSampleType = 1, kSample = 2, kMapping = 3, kLocation = 4, kFunction = 5,
                   kStringTable = 6, kDropFrames = 7, kTimeNanos = 9, kDurationNanos = 10,
                   kPeriodType = 11, kPeriod = 12, kComment = 13, kDefaultSampleType = 14;
constexpr uint32_t kValueTypeType = 1, kValueTypeUnit = 2;
constexpr uint32_t kSampleLocationId = 1, kSampleValue = 2, kSampleLabel = 3;
constexpr uint32_t kLabelKey = 1, kLabelStr = 2;
constexpr uint32_t kMappingId = 1, kMappingStart = 2, kMappingLimit = 3, kMappingOffset = 4,
                   kMappingFilename = 5, kMappingBuildId = 6, kMappingHasFunctions = 7,
                   kMappingHasFilenames = 8, kMappingHasLineNumbers = 9,
                   kMappingHasInlineFrames = 10;
constexpr uint32_t kLocationId = 1, kLocationMappingId = 2, kLocationAddress = 3, kLocationLine = 4;
constexpr uint32_t kLineFunctionId = 1, kLineLine = 2;
constexpr uint32_t kFunctionId = 1, kFunctionName = 2, kFunctionSystemName = 3,
                   kFunctionFilename = 4;
}  // namespace field

class StringTable {
 public:
  StringTable() { index(""); }  // string 0 is always ""
  int64_t index(const std::string& text) {
    auto [it, inserted] = index_.try_emplace(text, static_cast<int64_t>(strings_.size()));
    if (inserted) strings_.push_back(text);
    return it->second;
  }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  std::unordered_map<std::string, int64_t> index_;
  std::vector<std::string> strings_;
};

ProtobufWriter value_type(StringTable& strings, const char* type, const char* unit) {
  ProtobufWriter m;
  m.int64_field(field::kValueTypeType, strings.index(type));
  m.int64_field(field::kValueTypeUnit, strings.index(unit));
  return m;
}

// A function name as pprof compares it with drop_frames: cut at the first '(' that does not
// belong to "(anonymous namespace)" or "operator()" (pprof's simplifyFunc).
std::string pprof_simplified(const std::string& name) {
  static const std::string kAnonymous = "(anonymous namespace)", kCall = "operator()";
  for (size_t i = 0; i < name.size(); ++i) {
    if (name.compare(i, kAnonymous.size(), kAnonymous) == 0) {
      i += kAnonymous.size() - 1;
    } else if (name.compare(i, kCall.size(), kCall) == 0) {
      i += kCall.size() - 1;
    } else if (name[i] == '(') {
      return name.substr(0, i);
    }
  }
  return name;
}

std::string regex_quoted(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// The allocator and runtime frames below each sample's call site (malloc, operator new,
// inlined std::vector internals): pprof drops them and their callees, so that a flat view
// names the code that asked for the memory, as Go's own heap profiles do. Only frames
// found below a site are listed, never frames that stand between user frames.
std::string drop_frames_regex(const StackProfile& profile) {
  std::set<std::string> names;
  for (const ProfileSample& sample : profile.samples) {
    std::vector<SymbolicFrame> frames;
    for (uint32_t location : sample.locations)
      for (const SymbolicFrame& line : profile.locations[location].lines) frames.push_back(line);
    const SymbolicFrame* site =
        analysis::site_frame_of(frames, analysis::label_single_site(frames));
    if (!site) continue;
    for (const SymbolicFrame* f = frames.data(); f != site; ++f)
      if (!f->function.empty()) names.insert(regex_quoted(pprof_simplified(short_frame_name(*f))));
  }
  std::string regex;
  for (const std::string& name : names) regex += (regex.empty() ? "" : "|") + name;
  return regex;
}

}  // namespace

std::string encode_pprof(const StackProfile& profile) {
  StringTable strings;
  ProtobufWriter out;
  out.message_field(field::kSampleType, value_type(strings, "inuse_objects", "count"));
  out.message_field(field::kSampleType, value_type(strings, "inuse_space", "bytes"));

  int64_t kind_key = strings.index("kind");
  for (const ProfileSample& sample : profile.samples) {
    ProtobufWriter m;
    std::vector<uint64_t> ids;
    for (uint32_t location : sample.locations) ids.push_back(uint64_t{location} + 1);
    m.packed_field(field::kSampleLocationId, ids);
    int64_t values[] = {sample.objects, sample.bytes};
    m.packed_field(field::kSampleValue, values);
    ProtobufWriter label;
    label.int64_field(field::kLabelKey, kind_key);
    label.int64_field(field::kLabelStr,
                      strings.index(sample.kind == MemoryKind::kHeap ? "heap" : "mmap"));
    m.message_field(field::kSampleLabel, label);
    out.message_field(field::kSample, m);
  }

  for (size_t i = 0; i < profile.mappings.size(); ++i) {
    const ProfileMapping& mapping = profile.mappings[i];
    ProtobufWriter m;
    m.varint_field(field::kMappingId, i + 1);
    m.varint_field(field::kMappingStart, mapping.start);
    m.varint_field(field::kMappingLimit, mapping.limit);
    m.varint_field(field::kMappingOffset, mapping.file_offset);
    m.int64_field(field::kMappingFilename, strings.index(mapping.file));
    m.int64_field(field::kMappingBuildId, strings.index(mapping.build_id_hex));
    // Symbols are already resolved: pprof must not try to symbolize these addresses again.
    m.varint_field(field::kMappingHasFunctions, 1);
    m.varint_field(field::kMappingHasFilenames, 1);
    m.varint_field(field::kMappingHasLineNumbers, 1);
    m.varint_field(field::kMappingHasInlineFrames, 1);
    out.message_field(field::kMapping, m);
  }

  // Functions are interned by full name and file; their ids are assigned as lines refer to
  // them. The short name is the one shown; given apart from the full (system) name, it is
  // kept by pprof as it is rather than cut down by its own heuristics.
  struct FunctionNames {
    int64_t name, system_name, file;
  };
  std::map<std::pair<int64_t, int64_t>, uint64_t> function_ids;
  std::vector<FunctionNames> functions;
  for (size_t i = 0; i < profile.locations.size(); ++i) {
    const ProfileLocation& location = profile.locations[i];
    ProtobufWriter m;
    m.varint_field(field::kLocationId, i + 1);
    if (location.mapping >= 0)
      m.varint_field(field::kLocationMappingId, static_cast<uint64_t>(location.mapping) + 1);
    if (location.address) m.varint_field(field::kLocationAddress, location.address);
    // profile.proto: the last line is the caller into which the preceding ones were inlined,
    // which is the order the symbolizer gives them (inlined frames first).
    for (const SymbolicFrame& frame : location.lines) {
      std::string full = frame_name(frame);
      std::string shown = short_frame_name(frame);
      std::pair<int64_t, int64_t> key{strings.index(full), strings.index(frame.file)};
      auto [it, inserted] = function_ids.try_emplace(key, functions.size() + 1);
      if (inserted) functions.push_back({strings.index(shown), key.first, key.second});
      ProtobufWriter line;
      line.varint_field(field::kLineFunctionId, it->second);
      line.int64_field(field::kLineLine, frame.line);
      m.message_field(field::kLocationLine, line);
    }
    out.message_field(field::kLocation, m);
  }
  for (size_t i = 0; i < functions.size(); ++i) {
    ProtobufWriter m;
    m.varint_field(field::kFunctionId, i + 1);
    m.int64_field(field::kFunctionName, functions[i].name);
    m.int64_field(field::kFunctionSystemName, functions[i].system_name);
    m.int64_field(field::kFunctionFilename, functions[i].file);
    out.message_field(field::kFunction, m);
  }

  // Everything that adds strings comes before the table is written.
  out.message_field(field::kPeriodType, value_type(strings, "space", "bytes"));
  std::string drop = drop_frames_regex(profile);
  int64_t drop_frames = drop.empty() ? -1 : strings.index(drop);
  int64_t comment = -1;
  if (profile.growth)
    comment = strings.index("growth since the base snapshot (leakdbg export --base)");
  for (const std::string& s : strings.strings()) out.bytes_field(field::kStringTable, s);
  if (drop_frames >= 0) out.int64_field(field::kDropFrames, drop_frames);
  if (profile.time_ns) out.int64_field(field::kTimeNanos, static_cast<int64_t>(profile.time_ns));
  if (profile.duration_ns)
    out.int64_field(field::kDurationNanos, static_cast<int64_t>(profile.duration_ns));
  out.int64_field(field::kPeriod, 1);
  if (comment >= 0) out.int64_field(field::kComment, comment);
  out.int64_field(field::kDefaultSampleType, strings.index("inuse_space"));
  return out.take();
}

std::string pprof_file(const StackProfile& profile) { return gzip_compress(encode_pprof(profile)); }

}  // namespace leakdbg::exporter
