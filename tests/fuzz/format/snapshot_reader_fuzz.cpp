// Fuzz target of the snapshot reader: any bytes either load or give leakdbg::Error; a loaded
// model is walked the way the analysis walks it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format/snapshot_reader.h"
#include "model/model_totals.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    leakdbg::HeapModel model = leakdbg::fmt::read_snapshot_bytes(bytes, "fuzz.ldsnap");
    leakdbg::ModelTotals totals = leakdbg::compute_totals(model);
    for (const leakdbg::Block& b : model.blocks) {
      if (model.find_block_containing(b.address) == nullptr) __builtin_trap();
      model.find_stack(b.stack_id);
      model.find_module(b.address);
    }
    if (totals.blocks != model.blocks.size()) __builtin_trap();
  } catch (const leakdbg::Error&) {
  }
  return 0;
}
