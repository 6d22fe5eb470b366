#include "procmem/mem_types.h"

#include <gtest/gtest.h>

namespace leakdbg::procmem {
namespace {

TEST(MemTypes, NamesAsVmmap) {
  EXPECT_EQ(mem_type_name(MemType::kMappedFile), "Mapped File");
  EXPECT_EQ(mem_type_name(MemType::kPrivateData), "Private Data");
  EXPECT_EQ(mem_type_name(MemType::kPageTable), "Page Table");
}

TEST(MemTypes, ParsesNamesLoosely) {
  EXPECT_EQ(parse_mem_type("heap"), MemType::kHeap);
  EXPECT_EQ(parse_mem_type("Private Data"), MemType::kPrivateData);
  EXPECT_EQ(parse_mem_type("private-data"), MemType::kPrivateData);
  EXPECT_EQ(parse_mem_type("MAPPED_FILE"), MemType::kMappedFile);
  EXPECT_EQ(parse_mem_type("pagetable"), MemType::kPageTable);
  EXPECT_FALSE(parse_mem_type("").has_value());
  EXPECT_FALSE(parse_mem_type("heaps").has_value());
  for (MemType t : kAllMemTypes) EXPECT_EQ(parse_mem_type(mem_type_name(t)), t);
}

}  // namespace
}  // namespace leakdbg::procmem
