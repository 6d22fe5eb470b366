// Fuzz target of the version-2 blocks decoder: any bytes either decode or give Corrupt, and
// what decodes encodes again to blocks that decode to the same values (the encoding may
// group them differently, never change them).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "format/block_encoding.h"
#include "format/byte_cursor.h"
#include "format/model_encoder.h"
#include "model/heap_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leakdbg;
  std::vector<Block> blocks;
  try {
    fmt::decode_blocks_v2(std::string_view(reinterpret_cast<const char*>(data), size), blocks);
  } catch (const fmt::Corrupt&) {
    return 0;
  }
  std::vector<fmt::BlockRecord> records;
  for (const Block& b : blocks) records.push_back(fmt::to_record(b));
  std::vector<uint8_t> encoded(fmt::max_encoded_bytes(records.size()));
  const size_t n = fmt::encode_blocks(records.data(), records.size(), encoded.data());
  std::vector<Block> again;
  fmt::decode_blocks_v2(std::string_view(reinterpret_cast<const char*>(encoded.data()), n), again);
  if (again.size() != blocks.size()) __builtin_trap();
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Block &a = blocks[i], &b = again[i];
    if (a.address != b.address || a.size != b.size || a.usable != b.usable ||
        a.alloc_tick != b.alloc_tick || a.stack_id != b.stack_id || a.thread_id != b.thread_id ||
        a.arena != b.arena || a.api != b.api || a.flags != b.flags ||
        std::memcmp(a.content, b.content, sizeof a.content) != 0)
      __builtin_trap();
  }
  return 0;
}
