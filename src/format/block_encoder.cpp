// The version-2 blocks encoder (block_encoding.h). Runs inside the tracked program.
#include <cstring>

#include "format/block_encoding.h"

namespace leakdbg::fmt {
namespace {

struct ThreadTable {
  uint32_t ids[kGroupThreadLimit];
  size_t count = 0;
  size_t last = 0;  // index of the last hit: a group's blocks mostly share a thread

  // Index of `tid`, added if there is room; kGroupThreadLimit if the table is full.
  size_t index_of(uint32_t tid) {
    if (last < count && ids[last] == tid) return last;
    for (size_t i = 0; i < count; ++i)
      if (ids[i] == tid) return last = i;
    if (count == kGroupThreadLimit) return kGroupThreadLimit;
    ids[count] = tid;
    return last = count++;
  }
};

// The end of the group starting at `first`, its address shift and thread table.
size_t group_end(const BlockRecord* records, size_t first, size_t count, ThreadTable& threads,
                 uint8_t* shift) {
  uint64_t low_bits = 0;  // OR of every address: its trailing zeros are the common shift
  size_t end = first;
  for (; end < count; ++end) {
    const BlockRecord& r = records[end];
    if (end > first && r.address <= records[end - 1].address) break;
    if (threads.index_of(r.thread_id) == kGroupThreadLimit) break;
    low_bits |= r.address;
  }
  *shift = low_bits == 0 ? kMaxAddressShift : static_cast<uint8_t>(__builtin_ctzll(low_bits));
  return end;
}

}  // namespace

size_t encode_blocks(const BlockRecord* records, size_t count, uint8_t* out) {
  size_t pos = 0;
  size_t first = 0;
  while (first < count) {
    ThreadTable threads;
    uint8_t shift = 0;
    const size_t end = group_end(records, first, count, threads, &shift);
    pos += put_varint(out + pos, end - first);
    out[pos++] = shift;
    pos += put_varint(out + pos, threads.count);
    for (size_t t = 0; t < threads.count; ++t) pos += put_varint(out + pos, threads.ids[t]);

    uint64_t previous_address = 0, previous_tick = 0;
    uint32_t previous_stack = 0;
    size_t previous_thread = 0;
    uint16_t previous_arena = 0;
    for (size_t i = first; i < end; ++i) {
      const BlockRecord& r = records[i];
      const size_t thread = threads.index_of(r.thread_id);
      const bool content = r.flags & kBlockContentValid;
      uint8_t head = static_cast<uint8_t>(r.api & BlockHead::kApiMask);
      if (r.flags & kBlockMmappedChunk) head |= BlockHead::kMmapped;
      if (content) head |= BlockHead::kContent;
      const bool same_stack = i > first && r.stack_id == previous_stack;
      const bool same_thread = i > first && thread == previous_thread && r.arena == previous_arena;
      if (same_stack) head |= BlockHead::kSameStack;
      if (same_thread) head |= BlockHead::kSameThread;
      out[pos++] = head;
      pos += put_varint(out + pos, (r.address - previous_address) >> shift);
      pos += put_varint(out + pos, r.size);
      pos += put_varint(out + pos, zigzag(r.usable - r.size));
      pos += put_varint(out + pos, zigzag(r.alloc_tick - previous_tick));
      if (!same_stack) pos += put_varint(out + pos, r.stack_id);
      if (!same_thread) {
        pos += put_varint(out + pos, thread);
        // Unknown (0xFFFF) becomes 0, the main arena 1: the common values take one byte.
        pos += put_varint(out + pos, static_cast<uint16_t>(r.arena + 1));
      }
      if (content) {
        const size_t bytes =
            r.size < sizeof r.content ? static_cast<size_t>(r.size) : sizeof r.content;
        std::memcpy(out + pos, r.content, bytes);
        pos += bytes;
      }
      previous_address = r.address;
      previous_tick = r.alloc_tick;
      previous_stack = r.stack_id;
      previous_thread = thread;
      previous_arena = r.arena;
    }
    first = end;
  }
  return pos;
}

}  // namespace leakdbg::fmt
