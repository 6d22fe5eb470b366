// The version-2 blocks decoder (block_encoding.h): every length, count, index and difference
// is checked against the bytes present and the limits of docs/snapshot-format.md.
#include <algorithm>
#include <cstring>
#include <string>

#include "format/block_encoding.h"
#include "format/byte_cursor.h"
#include "model/heap_model.h"

namespace leakdbg::fmt {
namespace {

// The smallest block entry: a head byte and four one-byte varints.
constexpr size_t kMinEntryBytes = 5;

class BlockPayload {
 public:
  explicit BlockPayload(std::string_view payload)
      : begin_(reinterpret_cast<const uint8_t*>(payload.data())),
        at_(begin_),
        end_(begin_ + payload.size()) {}

  bool done() const { return at_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - at_); }

  [[noreturn]] void fail(const std::string& problem) const {
    throw Corrupt("blocks section: " + problem + " at payload offset " +
                  std::to_string(at_ - begin_));
  }

  uint64_t varint(const char* what) {
    uint64_t value = 0;
    switch (get_varint(&at_, end_, &value)) {
      case VarintStatus::kOk:
        return value;
      case VarintStatus::kTruncated:
        fail(std::string("truncated varint (") + what + ")");
      case VarintStatus::kOverlong:
        fail(std::string("overlong varint (") + what + ")");
    }
    return 0;
  }

  uint64_t varint_at_most(const char* what, uint64_t limit) {
    const uint64_t value = varint(what);
    if (value > limit) fail(std::string(what) + " " + std::to_string(value) + " out of range");
    return value;
  }

  uint8_t byte(const char* what) {
    if (at_ == end_) fail(std::string("truncated (") + what + ")");
    return *at_++;
  }

  const uint8_t* take(size_t n, const char* what) {
    if (n > remaining()) fail(std::string("truncated (") + what + ")");
    const uint8_t* p = at_;
    at_ += n;
    return p;
  }

 private:
  const uint8_t* begin_;
  const uint8_t* at_;
  const uint8_t* end_;
};

void decode_group(BlockPayload& in, std::vector<Block>& blocks) {
  const uint64_t count = in.varint("group count");
  if (count == 0) in.fail("empty group");
  if (count > in.remaining() / kMinEntryBytes)
    in.fail(std::to_string(count) + " blocks cannot fit in the " + std::to_string(in.remaining()) +
            " bytes left");
  const uint8_t shift = in.byte("address shift");
  if (shift > kMaxAddressShift) in.fail("address shift " + std::to_string(shift) + " above 63");
  const uint64_t thread_count = in.varint("thread count");
  if (thread_count > in.remaining())
    in.fail(std::to_string(thread_count) + " thread ids cannot fit in the " +
            std::to_string(in.remaining()) + " bytes left");
  std::vector<uint32_t> threads(thread_count);
  for (uint32_t& tid : threads)
    tid = static_cast<uint32_t>(in.varint_at_most("thread id", UINT32_MAX));

  // Grown geometrically: groups are small (a few thousand blocks) and there are many.
  if (blocks.capacity() - blocks.size() < count)
    blocks.reserve(std::max(blocks.capacity() * 2, blocks.size() + count));
  uint64_t address = 0, tick = 0;
  uint32_t stack = 0, thread = 0;
  uint16_t arena = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const uint8_t head = in.byte("block head");
    if (i == 0 && (head & (BlockHead::kSameStack | BlockHead::kSameThread)))
      in.fail("the first block of a group refers to a block before it");
    const uint64_t step = in.varint("address difference");
    if (i > 0 && step == 0) in.fail("address not above the block before");
    if (step > (UINT64_MAX >> shift) || (step << shift) > UINT64_MAX - address)
      in.fail("address beyond 64 bits");
    address += step << shift;
    Block b;
    b.address = address;
    b.size = in.varint("size");
    b.usable = b.size + unzigzag(in.varint("usable size"));
    tick += unzigzag(in.varint("tick difference"));
    b.alloc_tick = tick;
    if (!(head & BlockHead::kSameStack))
      stack = static_cast<uint32_t>(in.varint_at_most("stack id", UINT32_MAX));
    if (!(head & BlockHead::kSameThread)) {
      const uint64_t index = in.varint("thread index");
      if (index >= threads.size())
        in.fail("thread index " + std::to_string(index) + " beyond the group's " +
                std::to_string(threads.size()) + " threads");
      thread = threads[index];
      arena = static_cast<uint16_t>(in.varint_at_most("arena", 0xffff) - 1);
    }
    b.stack_id = stack;
    b.thread_id = thread;
    b.arena = arena;
    b.api = static_cast<ApiKind>(head & BlockHead::kApiMask);
    b.flags = 0;
    if (head & BlockHead::kMmapped) b.flags |= kBlockMmappedChunk;
    if (head & BlockHead::kContent) {
      b.flags |= kBlockContentValid;
      const size_t bytes =
          b.size < sizeof b.content ? static_cast<size_t>(b.size) : sizeof b.content;
      std::memcpy(b.content, in.take(bytes, "content"), bytes);
    }
    blocks.push_back(b);
  }
}

}  // namespace

void decode_blocks_v2(std::string_view payload, std::vector<Block>& blocks) {
  BlockPayload in(payload);
  while (!in.done()) decode_group(in, blocks);
}

}  // namespace leakdbg::fmt
