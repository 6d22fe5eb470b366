#include "unwind/byte_reader.h"

#include <dwarf.h>

namespace leakdbg::unwind {

uint64_t ByteReader::encoded(uint8_t encoding, uintptr_t data_base) {
  if (encoding == DW_EH_PE_omit) return fail_zero();
  const uintptr_t field = pos_;
  uint64_t value = 0;
  switch (encoding & 0x0f) {
    case DW_EH_PE_absptr:
      value = u64();
      break;
    case DW_EH_PE_uleb128:
      value = uleb();
      break;
    case DW_EH_PE_udata2:
      value = u16();
      break;
    case DW_EH_PE_udata4:
      value = u32();
      break;
    case DW_EH_PE_udata8:
      value = u64();
      break;
    case DW_EH_PE_sleb128:
      value = static_cast<uint64_t>(sleb());
      break;
    case DW_EH_PE_sdata2:
      value = static_cast<uint64_t>(int64_t{static_cast<int16_t>(u16())});
      break;
    case DW_EH_PE_sdata4:
      value = static_cast<uint64_t>(int64_t{static_cast<int32_t>(u32())});
      break;
    case DW_EH_PE_sdata8:
      value = u64();
      break;
    default:
      return fail_zero();
  }
  switch (encoding & 0x70) {
    case DW_EH_PE_absptr:
      break;
    case DW_EH_PE_pcrel:
      value += field;
      break;
    case DW_EH_PE_datarel:
      value += data_base;
      break;
    default:
      return fail_zero();  // textrel, funcrel, aligned: never emitted on x86_64
  }
  return ok_ ? value : 0;
}

}  // namespace leakdbg::unwind
