#include "winimport/frame_text.h"

#include <gtest/gtest.h>

#include "winimport/text_lines.h"

using leakdbg::winimport::looks_like_symbol;
using leakdbg::winimport::parse_frame;
using leakdbg::winimport::parse_hex;

TEST(ParseHex, AcceptsWindbgForms) {
  EXPECT_EQ(parse_hex("1b2c4568"), 0x1b2c4568u);
  EXPECT_EQ(parse_hex("0x0000003e"), 0x3eu);
  EXPECT_EQ(parse_hex("000001c2`a6a2c8f0"), 0x1c2a6a2c8f0u);
  EXPECT_FALSE(parse_hex("`a6a2c8f0"));
  EXPECT_FALSE(parse_hex("1`2`3"));
  EXPECT_FALSE(parse_hex("12g"));
  EXPECT_FALSE(parse_hex("0x"));
  EXPECT_FALSE(parse_hex("-1"));
  EXPECT_FALSE(parse_hex("10000000000000000"));
}

TEST(ParseFrame, AddressModuleFunctionOffset) {
  auto f = parse_frame("        77a1e5f2 ntdll!RtlAllocateHeap+0x0000003e");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->address, 0x77a1e5f2u);
  EXPECT_EQ(f->module, "ntdll");
  EXPECT_EQ(f->function, "RtlAllocateHeap");
  EXPECT_EQ(f->offset, 0x3eu);
}

TEST(ParseFrame, TemplatesAndOperators) {
  auto f = parse_frame("6e3b2a50 Tally!RuleList<wchar_t,4>::operator=+0x00000009");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->function, "RuleList<wchar_t,4>::operator=");
  EXPECT_EQ(f->offset, 0x9u);
  auto g = parse_frame("Ledger!operator new+0x0000000E");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->function, "operator new");
  EXPECT_EQ(g->offset, 0xeu);
  auto h = parse_frame("App!Vec::operator+");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->function, "Vec::operator+");
  EXPECT_EQ(h->offset, 0u);
}

TEST(ParseFrame, UmdhSourceSuffix) {
  auto f = parse_frame("\tOrderSvc!QueueOrder+00000083 (e:\\src\\queue.cpp, 228)");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->address, 0u);
  EXPECT_EQ(f->module, "OrderSvc");
  EXPECT_EQ(f->function, "QueueOrder");
  EXPECT_EQ(f->offset, 0x83u);
  EXPECT_EQ(f->file, "e:\\src\\queue.cpp");
  EXPECT_EQ(f->line, 228u);
}

TEST(ParseFrame, UnresolvedForms) {
  auto bare = parse_frame("\t7C96D6DC");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->address, 0x7C96D6DCu);
  EXPECT_TRUE(bare->module.empty());
  auto module_only = parse_frame("Tally+0x1a2b");
  ASSERT_TRUE(module_only);
  EXPECT_EQ(module_only->module, "Tally");
  EXPECT_EQ(module_only->offset, 0x1a2bu);
  EXPECT_TRUE(module_only->function.empty());
}

TEST(ParseFrame, RejectsProse) {
  EXPECT_FALSE(parse_frame(""));
  EXPECT_FALSE(parse_frame("Total increase == 5320"));
  EXPECT_FALSE(parse_frame("hello"));
  EXPECT_FALSE(parse_frame("77a1e5f2 ntdll rubbish here"));
  EXPECT_FALSE(parse_frame("Tally!"));
}

TEST(LooksLikeSymbol, HintLines) {
  EXPECT_TRUE(looks_like_symbol("          Tally!g_ruleStrings"));
  EXPECT_TRUE(looks_like_symbol("unknown!printable"));
  EXPECT_FALSE(looks_like_symbol("!foo"));
  EXPECT_FALSE(looks_like_symbol("no symbol here"));
}
