// `leakdbg ln SNAP ADDR`: the nearest symbols of an address, as WinDbg's `ln`:
//
//   [/src/plugin.cpp @ 42] (0x7f3a1c2051a0) libplugin.so!parse_line+0x1f | (0x7f3a1c205240)
//   libplugin.so!next
//
// then the inline frames at the address when there are any, and `Exact matches:` when the
// address is a symbol's start. ADDR is read like every typed address (util parse_address):
// hex by default, 0x... hex, 0n... decimal; a malformed one is one error line and exit code
// 2. An address that a stack of the snapshot holds is a return address: its call's position
// is shown (as in stacks) unless --exact is given. An address in no module of the snapshot
// is one error line and exit code 1.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "cli/json_output.h"
#include "input/load.h"
#include "symbolize/ln_report.h"
#include "util/error.h"

namespace leakdbg::cli {

namespace {

struct LnArgs {
  std::string snapshot, address;
  bool json = false, exact = false;
  SymbolFlags symbols;
};

Action setup_ln(CommandOptions& app) {
  auto args = std::make_shared<LnArgs>();
  app.add_option("snapshot", args->snapshot, "Snapshot file")->required();
  app.add_option("address", args->address, "Address: hex by default (0x optional), 0n for decimal")
      ->required();
  app.add_flag("--json", args->json, "JSON output");
  app.add_flag("--exact", args->exact,
               "Look the address up as given, even if it is a return address of a stack");
  args->symbols.add_to(app);
  return [args]() {
    uint64_t address = parse_address_argument(args->address);
    HeapModel model = load_model(args->snapshot);
    if (model.modules.empty())
      throw Error(args->snapshot + ": lists no modules, so it has no symbols to look up");
    auto symbolizer = args->symbols.make(model);
    LnReport report = ln_report(model, *symbolizer, address, args->exact);
    if (args->json)
      print_json(std::cout, ln_json(report));
    else
      std::cout << ln_text(report);
    return 0;
  };
}

const Registration ln_registration("ln", setup_ln);

}  // namespace

}  // namespace leakdbg::cli
