// gzip (RFC 1952) compression through zlib: pprof files are gzipped protobuf.
#pragma once

#include <string>
#include <string_view>

namespace leakdbg::exporter {

// Throws leakdbg::Error if zlib fails (out of memory).
std::string gzip_compress(std::string_view data);

}  // namespace leakdbg::exporter
