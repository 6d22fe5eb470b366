// `leakdbg blocks SNAP (--size N | --range MIN MAX | --unreachable | --class C) [--heap ID]
// [--type T] [--top N]`: the busy blocks of one size or size range, as WinDbg's
// `!heap -flt s|r`, or of one reachability class (with the tracked mmap regions of it).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "analysis/block_filter.h"
#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "cli/json_output.h"
#include "cli/option_values.h"
#include "input/load.h"
#include "symbolize/frame_render.h"
#include "util/error.h"
#include "util/table.h"
#include "util/units.h"

namespace leakdbg::cli {

namespace {

struct BlocksArgs {
  std::string snapshot, size, heap, type, reach_class;
  bool unreachable = false;
  // A pair rather than a vector: CLI11's vector conversion trips GCC 12's -Wnull-dereference.
  std::pair<std::string, std::string> range;
  size_t limit = 50;
  bool json = false, hex = false;
  SymbolFlags symbols;
};

nlohmann::json reach_json(ReachClass reach) {
  return reach == ReachClass::kUnknown ? nlohmann::json(nullptr)
                                       : nlohmann::json(reach_class_name(reach));
}

// What the source does not give (a Windows text has no threads, ages or APIs) is null, not 0.
nlohmann::json if_known(bool origin_known, nlohmann::json value) {
  return origin_known ? std::move(value) : nlohmann::json();
}

nlohmann::json region_json(const BlockRow& row, bool origin_known) {
  auto known = [&](nlohmann::json value) { return if_known(origin_known, std::move(value)); };
  const Region& r = *row.region;
  return {{"address", json_address(r.address)},
          {"size", r.length},
          {"heap", row.heap},
          {"age_s", known(row.age_seconds)},
          {"thread", known(r.thread_id)},
          {"api", known(std::string(api_name(r.api)))},
          {"stack_id", r.stack_id},
          {"class", reach_json(r.reach)},
          {"frame", row.top_frame ? frame_to_json(*row.top_frame) : nlohmann::json(nullptr)}};
}

nlohmann::json listing_json(const BlockListing& listing, const BlocksArgs& args,
                            bool origin_known) {
  auto known = [&](nlohmann::json value) { return if_known(origin_known, std::move(value)); };
  nlohmann::json blocks = nlohmann::json::array();
  nlohmann::json regions = nlohmann::json::array();
  for (const BlockRow& row : listing.rows) {
    if (row.region) {
      regions.push_back(region_json(row, origin_known));
      continue;
    }
    const Block& b = *row.block;
    blocks.push_back(
        {{"address", json_address(b.address)},
         {"size", b.size},
         {"usable", b.usable},
         {"type", row.type},
         {"heap", row.heap},
         {"age_s", known(row.age_seconds)},
         {"thread", known(b.thread_id)},
         {"api", known(std::string(api_name(b.api)))},
         {"stack_id", b.stack_id},
         {"class", reach_json(b.reach)},
         {"frame", row.top_frame ? frame_to_json(*row.top_frame) : nlohmann::json(nullptr)}});
  }
  nlohmann::json out = {{"snapshot", args.snapshot},
                        {"total", listing.total},
                        {"total_bytes", listing.total_bytes},
                        {"shown", listing.rows.size()},
                        {"blocks", std::move(blocks)}};
  if (listing.regions_considered) {
    out["region_total"] = listing.region_total;
    out["region_bytes"] = listing.region_bytes;
    out["regions"] = std::move(regions);
  }
  return out;
}

void print_listing(const BlockListing& listing, bool classes, const NumberStyle& style,
                   bool origin_known, std::ostream& out) {
  // The kind column appears only when regions are listed: listings of blocks alone keep
  // their shape.
  const bool kinds = listing.region_total > 0;
  Table table;
  table.add_column("address", Table::Align::kLeft);
  if (kinds) table.add_column("kind", Table::Align::kLeft);
  for (const char* title : {"requested", "usable", "age"}) table.add_column(title);
  if (classes) table.add_column("class", Table::Align::kLeft);
  for (const char* title : {"thread", "api", "type", "allocated by"})
    table.add_column(title, Table::Align::kLeft);
  for (const BlockRow& row : listing.rows) {
    const uint64_t address = row.block ? row.block->address : row.region->address;
    std::vector<std::string> cells = {style.hex ? format_hex_plain(address) : format_hex(address)};
    if (kinds) cells.emplace_back(row.block ? "block" : "mmap region");
    if (row.block) {
      const Block& b = *row.block;
      cells.push_back(style.size(b.size));
      cells.push_back(b.usable ? style.size(b.usable) : "?");
    } else {
      cells.push_back(style.size(row.region->length));
      cells.emplace_back("-");
    }
    cells.push_back(origin_known ? format_duration(row.age_seconds) : "-");
    const ReachClass reach = row.block ? row.block->reach : row.region->reach;
    const ApiKind api = row.block ? row.block->api : row.region->api;
    if (classes) cells.emplace_back(reach_class_name(reach));
    for (std::string cell :
         {origin_known ? row.thread : "-", origin_known ? std::string(api_name(api)) : "-",
          row.type, row.top_frame ? frame_to_text(*row.top_frame) : std::string()})
      cells.push_back(std::move(cell));
    table.add_row(std::move(cells));
  }
  table.print(out);
  out << style.count(listing.total) << " blocks, " << style.bytes(listing.total_bytes)
      << " requested";
  if (kinds)
    out << "; " << style.count(listing.region_total) << " mmap regions, "
        << style.bytes(listing.region_bytes);
  const uint64_t matched = listing.total + listing.region_total;
  if (matched > listing.rows.size())
    out << "; " << style.count(matched - listing.rows.size())
        << " more not listed (--top 0 lists all)";
  out << '\n';
}

Action setup_blocks(CommandOptions& app) {
  auto args = std::make_shared<BlocksArgs>();
  app.add_option("SNAP", args->snapshot, "Snapshot")->required();
  auto* size = app.add_option("--size", args->size,
                              "Blocks of exactly this requested size (on WinDbg/UMDH text hex, "
                              "as in !heap -flt s: 30 is 0x30; 0n48 is decimal)");
  auto* range = app.add_option("--range", args->range,
                               "Blocks with MIN <= size < MAX (hex on WinDbg/UMDH text)");
  size->excludes(range);
  range->excludes(size);
  app.add_option("--heap", args->heap, "Only this heap (an id from `leakdbg summary`)");
  app.add_option("--type", args->type, "Only blocks whose type hint contains this text");
  add_row_limit(app, args->limit, "Blocks to list; 0 lists all");
  auto* unreachable = app.add_flag("--unreachable", args->unreachable,
                                   "Only blocks (and mmap regions) no longer referenced");
  auto* reach_class = app.add_option("--class", args->reach_class,
                                     "Only blocks (and mmap regions) of this class: "
                                     "reachable, unreachable, indirect or possibly");
  unreachable->excludes(reach_class);
  reach_class->excludes(unreachable);
  app.add_flag("--json", args->json, "JSON output");
  app.add_flag("--hex", args->hex, "Numbers in hex, as WinDbg prints them");
  args->symbols.add_to(app);
  return [args] {
    // A size that reads in neither radix is a usage error, said before the input is read;
    // which radix applies depends on the input (hex for saved Windows text).
    for (const std::string* typed : {&args->size, &args->range.first, &args->range.second})
      if (!typed->empty() && !parse_number(*typed, true) && !parse_number(*typed, false))
        parse_size_option(*typed, typed == &args->size ? "--size" : "--range");
    HeapModel model = load_model(args->snapshot);
    bool hex = model.caps.sizes_in_hex;
    BlockQuery query;
    if (!args->size.empty())
      query = BlockQuery::exact_size(parse_size_option(args->size, "--size", hex));
    else if (!args->range.first.empty())
      query = BlockQuery::size_range(parse_size_option(args->range.first, "--range", hex),
                                     parse_size_option(args->range.second, "--range", hex));
    if (args->unreachable) query.reach = ReachClass::kUnreachable;
    if (!args->reach_class.empty()) {
      query.reach = parse_reach_class(args->reach_class);
      if (!query.reach)
        throw Error("--class: unknown class '" + args->reach_class +
                        "' (want reachable, unreachable, indirect or possibly)",
                    2);
    }
    if (args->size.empty() && args->range.first.empty() && !query.reach)
      throw Error("blocks: give --size N, --range MIN MAX, --unreachable or --class C", 2);
    query.heap = args->heap;
    if (!args->type.empty()) query.type = args->type;
    query.limit = args->limit;
    std::unique_ptr<Symbolizer> symbolizer = args->symbols.make(model);
    BlockListing listing = list_blocks(model, symbolizer.get(), query);
    if (args->json)
      print_json(std::cout, listing_json(listing, *args, !model.caps.no_block_origin));
    else
      print_listing(listing, model.caps.reachability, NumberStyle{args->hex},
                    !model.caps.no_block_origin, std::cout);
    return 0;
  };
}

const Registration blocks_registration("blocks", setup_blocks);

}  // namespace

}  // namespace leakdbg::cli
