// How to get from one x86_64 frame to its caller, in the few shapes the cache can hold.
// Anything else (expressions, signal frames, CFA in another register) is kFallback and the
// whole capture goes to libunwind.
#pragma once

#include <cstdint>

namespace leakdbg::unwind {

struct FrameRule {
  enum class Kind : uint8_t {
    kCfaRsp = 1,       // CFA = RSP + cfa_offset
    kCfaRbp = 2,       // CFA = RBP + cfa_offset (alloca, VLAs, frame-pointer code)
    kEnd = 3,          // return address undefined: outermost frame (_start, thread start)
    kFallback = 4,     // not expressible here: let libunwind walk this stack
    kUnknownCode = 5,  // address in no loaded module: stop (never cached)
  };
  Kind kind = Kind::kFallback;
  // Both only meaningful for kCfaRsp/kCfaRbp. The return address is always at CFA - 8
  // (rules that put it elsewhere become kFallback).
  uint32_t cfa_offset = 0;
  bool rbp_saved = false;  // false: the caller's RBP is this frame's RBP
  int32_t rbp_offset = 0;  // caller's RBP is stored at CFA + rbp_offset

  bool walks() const { return kind == Kind::kCfaRsp || kind == Kind::kCfaRbp; }
  friend bool operator==(const FrameRule&, const FrameRule&) = default;
};

// A cache slot holds 48 bits of rule (the top 16 bits carry the slot's tag). The CFA offset
// is the low 32 bits, so the walk adds it to RSP straight from the loaded word. Rules whose
// offsets do not fit become kFallback, which is always representable.
inline constexpr int kPackedRuleBits = 48;
inline constexpr uint32_t kMaxCfaOffset = (1u << 28) - 1;
inline constexpr int32_t kMaxRbpSlots = (1 << 11) - 1;  // 12 signed bits of 8-byte slots

inline uint64_t pack_rule(const FrameRule& rule) {
  constexpr uint64_t kFallbackWord = static_cast<uint64_t>(FrameRule::Kind::kFallback) << 32;
  const bool fits =
      !rule.walks() ||
      (rule.cfa_offset <= kMaxCfaOffset && rule.rbp_offset % 8 == 0 &&
       rule.rbp_offset / 8 >= -kMaxRbpSlots - 1 && rule.rbp_offset / 8 <= kMaxRbpSlots);
  if (!fits) return kFallbackWord;
  uint64_t word = (static_cast<uint64_t>(rule.kind) & 0x7) << 32;
  if (rule.walks()) {
    word |= rule.cfa_offset;
    word |= static_cast<uint64_t>(rule.rbp_saved) << 35;
    word |= (static_cast<uint64_t>(rule.rbp_offset / 8) & 0xfff) << 36;
  }
  return word;
}

// Field access on a packed word, for the walk's hot loop.
inline FrameRule::Kind packed_kind(uint64_t word) {
  return static_cast<FrameRule::Kind>((word >> 32) & 0x7);
}
inline uint32_t packed_cfa_offset(uint64_t word) { return static_cast<uint32_t>(word); }
inline bool packed_rbp_saved(uint64_t word) { return ((word >> 35) & 1) != 0; }
inline int64_t packed_rbp_offset(uint64_t word) {
  return (static_cast<int64_t>(word << 16) >> 52) * 8;  // sign-extends the 12-bit field
}

inline FrameRule unpack_rule(uint64_t word) {
  FrameRule rule;
  rule.kind = packed_kind(word);
  if (rule.walks()) {
    rule.cfa_offset = packed_cfa_offset(word);
    rule.rbp_saved = packed_rbp_saved(word);
    rule.rbp_offset = static_cast<int32_t>(packed_rbp_offset(word));
  }
  return rule;
}

}  // namespace leakdbg::unwind
