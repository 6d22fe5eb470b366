// `leakdbg block SNAP ADDR`: the block holding an address with its allocation stack, as
// WinDbg's `!heap -p -a`. Exits 1 when the address is in no tracked block or region (the
// nearest blocks and the mapping are still printed), 2 when ADDR is not an address.
#include <iostream>
#include <memory>

#include "cli/block_render.h"
#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "cli/json_output.h"
#include "input/load.h"

namespace leakdbg::cli {

namespace {

struct BlockArgs {
  std::string snapshot, address;
  bool json = false, hex = false, all = false;
  SymbolFlags symbols;
};

Action setup_block(CommandOptions& app) {
  auto args = std::make_shared<BlockArgs>();
  app.add_option("SNAP", args->snapshot, "Snapshot")->required();
  app.add_option("ADDR", args->address,
                 "Address: hex by default (0x optional), 0n for decimal; interior pointers too")
      ->required();
  app.add_flag("--json", args->json, "JSON output");
  app.add_flag("--hex", args->hex, "Numbers in hex, as WinDbg prints them");
  app.add_flag("--all", args->all, "Every recorded referrer (default: the first 20)");
  args->symbols.add_to(app);
  return [args] {
    uint64_t address = parse_address_argument(args->address);
    HeapModel model = load_model(args->snapshot);
    std::unique_ptr<Symbolizer> symbolizer = args->symbols.make(model);
    BlockDetail detail = inspect_address(model, symbolizer.get(), address);
    const NumberStyle style{args->hex};
    ReferrerRenderer render(model, symbolizer.get(), style);
    if (args->json)
      print_json(std::cout, block_json(model, detail, render, args->all));
    else
      print_block(model, detail, render, args->all, style, std::cout);
    return detail.found() ? 0 : 1;
  };
}

const Registration block_registration("block", setup_block);

}  // namespace

}  // namespace leakdbg::cli
