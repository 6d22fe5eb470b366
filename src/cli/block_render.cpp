#include "cli/block_render.h"

#include <cctype>
#include <cstdio>
#include <type_traits>

#include "symbolize/frame_render.h"
#include "util/units.h"

namespace leakdbg::cli {

namespace {

size_t captured_length(const Block& block) {
  return block.content_valid() ? static_cast<size_t>(std::min<uint64_t>(block.size, 16)) : 0;
}

std::string content_hex(const Block& block) {
  std::string text;
  char byte[4];
  for (size_t i = 0; i < captured_length(block); ++i) {
    std::snprintf(byte, sizeof byte, "%02x", block.content[i]);
    text += byte;
  }
  return text;
}

// "73 65 72 76 65 72 2e 62  61 73 65 5f 75 72 6c 3d  |server.base_url=|"
std::string hexdump_line(const Block& block) {
  size_t length = captured_length(block);
  std::string hex, ascii;
  char byte[4];
  for (size_t i = 0; i < 16; ++i) {
    if (i == 8) hex += ' ';
    if (i < length) {
      std::snprintf(byte, sizeof byte, "%02x ", block.content[i]);
      hex += byte;
      ascii += std::isprint(block.content[i]) ? static_cast<char>(block.content[i]) : '.';
    } else {
      hex += "   ";
    }
  }
  return hex + " |" + ascii + "|";
}

nlohmann::json block_summary_json(const Block& block) {
  return {{"address", json_address(block.address)}, {"size", block.size}, {"usable", block.usable}};
}

nlohmann::json mapping_json(const std::optional<MappingInfo>& mapping) {
  if (!mapping) return nullptr;
  return {{"start", json_address(mapping->start)},
          {"end", json_address(mapping->end)},
          {"kind", mapping->kind},
          {"name", mapping->name},
          {"perms", mapping->perms}};
}

nlohmann::json detail_json(const BlockDetail& d) {
  nlohmann::json out = {{"query", json_address(d.query)}, {"found", d.found()}};
  if (d.block) {
    const Block& b = *d.block;
    out["kind"] = "block";
    out["address"] = json_address(b.address);
    out["size"] = b.size;
    out["usable"] = b.usable;
    out["content"] = content_hex(b);
    if (d.chunk)
      out["chunk"] = {{"address", json_address(d.chunk->chunk_address)},
                      {"size", d.chunk->chunk_size},
                      {"is_mmapped", d.chunk->is_mmapped},
                      {"non_main_arena", d.chunk->non_main_arena}};
  } else if (d.region) {
    out["kind"] = "mmap region";
    out["address"] = json_address(d.region->address);
    out["size"] = d.region->length;
  } else {
    out["address"] = json_address(d.query);
  }
  if (d.found()) {
    out["offset"] = d.offset;
    out["heap"] = d.heap;
    out["type"] = d.type;
    bool known = d.origin_known;
    out["age_s"] = known ? nlohmann::json(d.age_seconds) : nlohmann::json(nullptr);
    out["thread"] = known ? nlohmann::json(d.block ? d.block->thread_id : d.region->thread_id)
                          : nlohmann::json(nullptr);
    out["thread_label"] = known ? nlohmann::json(d.thread) : nlohmann::json(nullptr);
    out["api"] = known ? nlohmann::json(d.api) : nlohmann::json(nullptr);
    out["frames"] = frames_to_json(d.frames);
  } else {
    out["nearest_below"] = d.below ? block_summary_json(*d.below) : nlohmann::json(nullptr);
    out["nearest_above"] = d.above ? block_summary_json(*d.above) : nlohmann::json(nullptr);
  }
  out["mapping"] = mapping_json(d.mapping);
  return out;
}

// Class, referrers and retainer path of a block (or a region) in a classified snapshot.
template <class Item>
void add_reach_json(const HeapModel& model, const Item& block, ReferrerRenderer& render, bool all,
                    nlohmann::json& out) {
  if (!model.caps.reachability) return;
  if constexpr (std::is_same_v<Item, Region>) {
    if (!model.caps.region_classes) return;
    if (block.reach == ReachClass::kUnknown) {  // shared or file-backed: not classified
      out["class"] = nullptr;
      return;
    }
  }
  out["class"] = std::string(reach_class_name(block.reach));
  ReferrerList list = referrers_of(model, block);
  nlohmann::json referrers = nlohmann::json::array();
  for (size_t i = 0; i < list.referrers.size() && (all || i < kReferrersShown); ++i)
    referrers.push_back(render.json(list.referrers[i]));
  out["referrer_count"] = list.total;
  out["referrers"] = std::move(referrers);
  nlohmann::json path = nlohmann::json::array();
  for (const ReferrerInfo& step : retainer_path(model, block)) path.push_back(render.json(step));
  out["retainer_path"] = std::move(path);
}

template <class Item>
void print_reach(const HeapModel& model, const Item& block, ReferrerRenderer& render, bool all,
                 const NumberStyle& style, std::ostream& out) {
  if (!model.caps.reachability) return;
  if constexpr (std::is_same_v<Item, Region>) {
    if (!model.caps.region_classes) return;
    if (block.reach == ReachClass::kUnknown) {
      out << "  class   - (shared or file-backed regions are not classified)\n";
      return;
    }
  }
  out << "  class   " << reach_class_name(block.reach) << '\n';
  ReferrerList list = referrers_of(model, block);
  if (list.referrers.empty()) {
    out << "  referenced by: nothing\n";
  } else {
    out << "  referenced by:\n";
    for (size_t i = 0; i < list.referrers.size() && (all || i < kReferrersShown); ++i)
      out << "    " << render.text(list.referrers[i]) << '\n';
    const size_t shown =
        all ? list.referrers.size() : std::min(list.referrers.size(), kReferrersShown);
    if (list.total > shown) {
      out << "    ... " << style.count(list.total - shown) << " more";
      out << (shown < list.referrers.size()
                  ? " (--all lists the " + style.count(list.referrers.size()) + " recorded)"
                  : " not recorded");
      out << '\n';
    }
  }
  std::vector<ReferrerInfo> path = retainer_path(model, block);
  if (!path.empty()) {
    out << "  retainer path:\n    ";
    for (const ReferrerInfo& step : path) out << render.text(step) << " -> ";
    out << (std::is_same_v<Item, Region> ? "this region\n" : "this block\n");
  }
}

void print_mapping(const std::optional<MappingInfo>& mapping, std::ostream& out) {
  if (!mapping) {
    out << "  mapping: none recorded holds it\n";
    return;
  }
  out << "  mapping: " << format_hex(mapping->start) << "-" << format_hex(mapping->end) << " "
      << mapping->kind;
  if (!mapping->perms.empty()) out << " " << mapping->perms;
  if (!mapping->name.empty()) out << " " << mapping->name;
  out << '\n';
}

void print_detail(const BlockDetail& d, const NumberStyle& style, std::ostream& out) {
  if (!d.found()) {
    out << "address " << format_hex(d.query) << " is in no tracked block or mmap region\n";
    if (d.below)
      out << "  nearest below: block " << format_hex(d.below->address) << " ("
          << style.size(d.below->size) << " bytes), " << style.bytes(d.query - d.below->address)
          << " past its start\n";
    if (d.above)
      out << "  nearest above: block " << format_hex(d.above->address) << " ("
          << style.size(d.above->size) << " bytes), " << style.bytes(d.above->address - d.query)
          << " ahead\n";
    print_mapping(d.mapping, out);
    return;
  }
  uint64_t start = d.block ? d.block->address : d.region->address;
  out << "address " << format_hex(d.query) << " found in heap " << d.heap;
  if (d.offset) out << " (offset +" << style.count(d.offset) << " into the block)";
  out << '\n';
  if (d.block) {
    const Block& b = *d.block;
    out << "  block " << format_hex(start) << "  requested " << style.size(b.size) << "  usable "
        << (b.usable ? style.size(b.usable) : std::string("?")) << "  (busy)\n";
    if (d.chunk)
      out << "  chunk " << format_hex(d.chunk->chunk_address) << "  size "
          << style.size(d.chunk->chunk_size) << "  flags"
          << (d.chunk->is_mmapped ? " IS_MMAPPED" : "")
          << (d.chunk->non_main_arena ? " NON_MAIN_ARENA" : "")
          << (!d.chunk->is_mmapped && !d.chunk->non_main_arena ? " -" : "") << '\n';
    if (captured_length(b)) out << "  content " << hexdump_line(b) << '\n';
  } else {
    out << "  mmap region " << format_hex(start) << "  length " << style.bytes(d.region->length)
        << '\n';
  }
  out << "  type    " << (d.type.empty() ? "(no hint)" : d.type) << '\n';
  if (d.origin_known)
    out << "  " << d.api << " by thread " << d.thread << ", " << format_duration(d.age_seconds)
        << " ago\n";
  else  // saved text gives none of them
    out << "  api -, thread -, age -\n";
  if (d.frames.empty()) {
    out << "  (no allocation stack recorded)\n";
  } else {
    out << "  allocation stack:\n";
    print_stack(out, d.frames, true);
  }
}

}  // namespace

nlohmann::json block_json(const HeapModel& model, const BlockDetail& detail,
                          ReferrerRenderer& render, bool all_referrers) {
  nlohmann::json out = detail_json(detail);
  if (detail.block) add_reach_json(model, *detail.block, render, all_referrers, out);
  if (detail.region) add_reach_json(model, *detail.region, render, all_referrers, out);
  return out;
}

void print_block(const HeapModel& model, const BlockDetail& detail, ReferrerRenderer& render,
                 bool all_referrers, const NumberStyle& style, std::ostream& out) {
  print_detail(detail, style, out);
  if (detail.block) print_reach(model, *detail.block, render, all_referrers, style, out);
  if (detail.region) print_reach(model, *detail.region, render, all_referrers, style, out);
}

}  // namespace leakdbg::cli
