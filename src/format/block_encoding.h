// The version-2 blocks payload (docs/snapshot-format.md, "blocks, version 2"): groups of
// blocks in increasing address order, each block a head byte and varints (address and tick
// as differences from the block before, usable size as a difference from the size, the
// thread an index into the group's table), then its first bytes where they were read. About
// 8 bytes a block plus the content, where version 1 spent 64.
//
// The encoder runs inside the tracked program: no allocation, no exceptions. The decoder is
// the reader's (snapshot_reader.cpp) and throws Corrupt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "format/records.h"
#include "format/varint.h"

namespace leakdbg {
struct Block;
}

namespace leakdbg::fmt {

// The head byte of a block entry.
struct BlockHead {
  static constexpr uint8_t kApiMask = 0x0f;        // bits 0-3: ApiKind
  static constexpr uint8_t kMmapped = 1u << 4;     // BlockRecord flags bit 0
  static constexpr uint8_t kContent = 1u << 5;     // BlockRecord flags bit 1: content follows
  static constexpr uint8_t kSameStack = 1u << 6;   // stack id as the block before
  static constexpr uint8_t kSameThread = 1u << 7;  // thread index and arena as the block before
};

// A group's thread table holds at most this many thread ids; a block of another thread
// starts a new group.
inline constexpr size_t kGroupThreadLimit = 64;
// Largest address shift a group header may hold.
inline constexpr uint8_t kMaxAddressShift = 63;

// Bytes encode_blocks may write for `count` records, whatever they hold.
constexpr size_t max_encoded_bytes(size_t count) {
  // Group header (count, shift, thread count, thread table) at worst once per block, plus the
  // entry: head, four 64-bit varints, stack id, thread index, arena, 16 bytes of content.
  return count * (kMaxVarintBytes + 1 + 1 + 5 + 1 + 4 * kMaxVarintBytes + 5 + 2 + 3 + 16) + 16;
}

// Encodes records[0, count) in their order as one or more groups: a new group starts where an
// address is not above the one before, or where the thread table is full. Writes at most
// max_encoded_bytes(count) bytes to `out` and returns how many. The content of a record is
// written only when its flags say it is valid, and only its first min(size, 16) bytes. Only
// the flag bits kBlockMmappedChunk and kBlockContentValid, and api values up to 15, are
// kept.
size_t encode_blocks(const BlockRecord* records, size_t count, uint8_t* out);

// Decodes a whole version-2 blocks payload, appending to `blocks`. Throws Corrupt (naming
// "blocks section" and the offset) on anything docs/snapshot-format.md says a reader refuses.
void decode_blocks_v2(std::string_view payload, std::vector<Block>& blocks);

}  // namespace leakdbg::fmt
