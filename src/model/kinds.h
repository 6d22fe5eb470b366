// Kinds and flags the heap model carries, whatever source filled it. The snapshot format
// stores these values as they are (format/records.h), so the numbers are part of that
// format too: add new values, never renumber.
#pragma once

#include <cstdint>

namespace leakdbg {

// What made a snapshot.
enum class Trigger : uint8_t {
  kUnknown = 0,
  kInterval = 1,  // --interval timer
  kRequest = 2,   // `leakdbg snap PID` through the control socket
  kExit = 3,      // process exit (after static destructors as far as possible)
  kApi = 4,       // leakdbg_snapshot("label") from the program
  kSignal = 5,    // SIGUSR2-style request (reserved)
};

// Which API made a block. api_name() maps these to names ("malloc", "new[]", ...).
enum class ApiKind : uint8_t {
  kUnknown = 0,
  kMalloc = 1,
  kCalloc = 2,
  kRealloc = 3,
  kReallocArray = 4,
  kMemalign = 5,
  kPosixMemalign = 6,
  kAlignedAlloc = 7,
  kValloc = 8,
  kPvalloc = 9,
  kNew = 10,
  kNewArray = 11,
  kNewAligned = 12,
  kNewArrayAligned = 13,
  kMmap = 20,
  kMremap = 21,
};

enum BlockFlags : uint8_t {
  kBlockMmappedChunk = 1u << 0,  // glibc served it with its own mmap (IS_MMAPPED)
  kBlockContentValid = 1u << 1,  // `content` holds the first min(16, size) bytes
};

enum RegionFlags : uint8_t {
  kRegionAnonymous = 1u << 0,
  kRegionShared = 1u << 1,  // MAP_SHARED
  kRegionFile = 1u << 2,    // file-backed: kept apart from leak candidates
};

// Reachability at a snapshot (docs/snapshot-format.md, sections 14-16).
enum class ReachStatus : uint32_t {
  kComplete = 0,           // every block classified
  kThreadsNotStopped = 1,  // a thread did not answer the stop signal in time
  kUnsupported = 2,        // allocator or architecture the scan does not know
  kSignalTaken = 3,        // the program handles the stop signal itself
  kOutOfMemory = 4,
  kScanFailed = 5,     // the scanning process failed or died
  kTooManyBlocks = 6,  // more live blocks than room was made for
};

enum class ReachClass : uint8_t {
  kUnknown = 0,
  kReachable = 1,    // a chain of pointers to its start from a root
  kPossibly = 2,     // reached only through a chain with an interior pointer
  kIndirect = 3,     // referenced only from unreachable blocks
  kUnreachable = 4,  // no pointer from a root or a reachable block
};

enum class ReferrerKind : uint8_t {
  kNone = 0,
  kBlock = 1,     // a word inside another block
  kMemory = 2,    // a writable mapping: a module's globals, or other memory
  kStack = 3,     // a thread's stack (tid)
  kTls = 4,       // a thread's static TLS (tid)
  kRegister = 5,  // a thread's register (tid; slot = register number)
};

// Block::arena when the block's heap is not known.
inline constexpr uint16_t kArenaUnknown = 0xFFFF;

}  // namespace leakdbg
