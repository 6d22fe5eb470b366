// `leakdbg export SNAP [--base BASE] --format pprof|collapsed -o FILE`: a snapshot's live
// memory by call stack for other tools: pprof for `go tool pprof` and continuous-profiling
// backends, collapsed stacks for flamegraph.pl, speedscope and inferno.

#include <memory>

#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "export/collapsed.h"
#include "export/pprof_encode.h"
#include "export/stack_profile.h"
#include "input/load.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace leakdbg::cli {
namespace {

struct ExportArgs {
  std::string snapshot, base, format, output;
  SymbolFlags symbols;
};

Action setup_export(CommandOptions& app) {
  auto args = std::make_shared<ExportArgs>();
  app.add_option("SNAP", args->snapshot,
                 "Snapshot file, or saved WinDbg/UMDH text (a UMDH comparison exports its growth)")
      ->required();
  app.add_option("--base", args->base, "Export the growth since this earlier snapshot");
  app.add_option("--format", args->format, "pprof (gzipped profile.proto) or collapsed stacks")
      ->required()
      ->one_of({"pprof", "collapsed"});
  app.add_option("-o,--output", args->output, "File to write")->required();
  args->symbols.add_to(app);
  return [args] {
    std::vector<HeapModel> models = load_models(args->snapshot);
    std::optional<HeapModel> base;
    // A UMDH comparison holds both of its logs: without --base, it is exported as the growth
    // from the first to the second.
    if (models.size() == 2 && args->base.empty())
      base = std::move(models.front());
    else if (models.size() != 1)
      throw Error(args->snapshot + ": holds " + std::to_string(models.size()) +
                  " snapshots; export takes one (and --base for a second)");
    HeapModel snapshot = std::move(models.back());
    if (!args->base.empty()) base = load_model(args->base);
    SymbolizerOptions symbols;
    symbols.debug_dirs = args->symbols.debug_dirs;
    symbols.sysroot = args->symbols.sysroot;
    exporter::StackProfile profile =
        exporter::profile_of(snapshot, base ? &*base : nullptr, symbols);
    std::string data = args->format == "pprof" ? exporter::pprof_file(profile)
                                               : exporter::collapsed_stacks(profile);
    write_file_atomically(args->output, data);
    return 0;
  };
}

const Registration export_registration("export", setup_export);

}  // namespace
}  // namespace leakdbg::cli
