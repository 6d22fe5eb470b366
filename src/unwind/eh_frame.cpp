#include "unwind/eh_frame.h"

#include <dwarf.h>

#include <cstring>

#include "unwind/byte_reader.h"
#include "unwind/cfi_program.h"

namespace leakdbg::unwind {
namespace {

constexpr uint8_t kTableEncoding = DW_EH_PE_datarel | DW_EH_PE_sdata4;
constexpr uint64_t kRaRegister = 16;
constexpr FrameRule kFallback{};

// Address of the FDE whose initial location is the greatest one <= pc, from the sorted
// binary-search table of .eh_frame_hdr; 0 when there is none.
uintptr_t search_table(const EhFrameSource& source, uintptr_t pc) {
  ByteReader hdr(source.lo, source.hi, source.hdr);
  const uint8_t version = hdr.u8();
  const uint8_t eh_frame_ptr_enc = hdr.u8();
  const uint8_t fde_count_enc = hdr.u8();
  const uint8_t table_enc = hdr.u8();
  if (!hdr.ok() || version != 1 || table_enc != kTableEncoding) return 0;
  hdr.encoded(eh_frame_ptr_enc, source.hdr);
  const uint64_t count = hdr.encoded(fde_count_enc, source.hdr);
  if (!hdr.ok() || count == 0) return 0;
  const uintptr_t table = hdr.pos();
  if (count > (source.hi - table) / 8) return 0;

  auto entry = [&](uint64_t i, int field) {
    int32_t value;
    std::memcpy(&value, reinterpret_cast<const void*>(table + i * 8 + field * 4), 4);
    return source.hdr + static_cast<uintptr_t>(static_cast<intptr_t>(value));
  };
  uint64_t lo = 0, hi = count;  // invariant: entries before lo start <= pc
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (entry(mid, 0) <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo == 0 ? 0 : entry(lo - 1, 1);
}

// Reads a CIE/FDE length field and narrows the reader to the record's body.
bool enter_record(ByteReader& reader) {
  uint64_t length = reader.u32();
  if (length == 0xffffffff) length = reader.u64();
  return reader.ok() && length != 0 && reader.limit(length);
}

bool parse_cie(ByteReader reader, CieInfo* cie) {
  if (!enter_record(reader) || reader.u32() != 0) return false;  // CIE id is 0 in .eh_frame
  const uint8_t version = reader.u8();
  if (version != 1 && version != 3 && version != 4) return false;
  char augmentation[8];
  size_t length = 0;
  for (char c = static_cast<char>(reader.u8()); c != '\0'; c = static_cast<char>(reader.u8())) {
    if (!reader.ok() || length + 1 == sizeof augmentation) return false;
    augmentation[length++] = c;
  }
  augmentation[length] = '\0';
  if (version == 4) {
    if (reader.u8() != 8 || reader.u8() != 0) return false;  // address and segment size
  }
  cie->code_align = reader.uleb();
  cie->data_align = reader.sleb();
  cie->ra_register = version == 1 ? reader.u8() : reader.uleb();
  if (length > 0) {
    if (augmentation[0] != 'z') return false;  // without 'z' unknown data cannot be skipped
    cie->has_augmentation_data = true;
    const uint64_t data_length = reader.uleb();
    const uintptr_t data_end = reader.pos() + data_length;
    if (!reader.ok() || data_length > reader.end() - reader.pos()) return false;
    for (size_t i = 1; i < length && reader.ok(); ++i) {
      switch (augmentation[i]) {
        case 'R':
          cie->fde_encoding = reader.u8();
          break;
        case 'L':
          reader.u8();
          break;
        case 'P':
          reader.encoded(reader.u8(), 0);
          break;
        case 'S':
          cie->signal_frame = true;
          break;
        default:
          i = length;
          break;  // unknown letter: the rest of the data is skipped
      }
    }
    if (!reader.seek(data_end)) return false;
  }
  cie->instructions = reader.pos();
  cie->instructions_end = reader.end();
  return reader.ok();
}

FrameRule to_frame_rule(const CieInfo& cie, const CfaRow& row) {
  using Kind = CfaRow::Kind;
  if (cie.signal_frame || row.cfa_unsupported || row.sp_rule_unsupported ||
      cie.ra_register != kRaRegister)
    return kFallback;
  if (row.ra.kind == Kind::kUndefined) return FrameRule{.kind = FrameRule::Kind::kEnd};
  if (row.ra.kind != Kind::kSavedAtCfa || row.ra.offset != -8) return kFallback;
  FrameRule rule;
  if (row.cfa_register == 7)
    rule.kind = FrameRule::Kind::kCfaRsp;
  else if (row.cfa_register == 6)
    rule.kind = FrameRule::Kind::kCfaRbp;
  else
    return kFallback;
  // The return address sits at CFA - 8, so a CFA below base + 8 is nonsense.
  if (row.cfa_offset < 8 || row.cfa_offset > kMaxCfaOffset) return kFallback;
  rule.cfa_offset = static_cast<uint32_t>(row.cfa_offset);
  switch (row.rbp.kind) {
    case Kind::kUnchanged:
    case Kind::kUndefined:
      break;
    case Kind::kSavedAtCfa:
      if (row.rbp.offset >= 0 || row.rbp.offset < -static_cast<int64_t>(rule.cfa_offset) ||
          row.rbp.offset % 8 != 0)
        return kFallback;  // a saved RBP lies inside this frame, below the CFA
      rule.rbp_saved = true;
      rule.rbp_offset = static_cast<int32_t>(row.rbp.offset);
      break;
    case Kind::kUnsupported:
      return kFallback;
  }
  return rule;
}

}  // namespace

FrameRule find_frame_rule(const EhFrameSource& source, uintptr_t pc) {
  if (source.lo >= source.hi || source.hdr < source.lo || source.hdr >= source.hi) return kFallback;
  const uintptr_t fde = search_table(source, pc);
  if (fde == 0) return kFallback;

  ByteReader reader(source.lo, source.hi, fde);
  if (!enter_record(reader)) return kFallback;
  const uintptr_t cie_pointer_field = reader.pos();
  const uint32_t cie_pointer = reader.u32();
  if (!reader.ok() || cie_pointer == 0 || cie_pointer > cie_pointer_field - source.lo)
    return kFallback;
  CieInfo cie;
  if (!parse_cie(ByteReader(source.lo, source.hi, cie_pointer_field - cie_pointer), &cie))
    return kFallback;

  const uintptr_t pc_begin = reader.encoded(cie.fde_encoding, 0);
  const uint64_t pc_range = reader.encoded(cie.fde_encoding & 0x0f, 0);
  if (!reader.ok() || pc < pc_begin || pc - pc_begin >= pc_range) return kFallback;
  if (cie.has_augmentation_data) reader.skip(reader.uleb());
  if (!reader.ok()) return kFallback;

  CfiInterpreter interpreter(cie, pc_begin, pc);
  ByteReader initial(source.lo, source.hi, cie.instructions);
  if (!initial.limit(cie.instructions_end - cie.instructions) || !interpreter.run_initial(initial))
    return kFallback;
  if (!interpreter.run(reader)) return kFallback;
  return to_frame_rule(cie, interpreter.row());
}

}  // namespace leakdbg::unwind
