// Fuzz target: arbitrary bytes as an election record file, given to the
// public verifier. Must never crash or hang; a bad record is a report.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "verifier/record_verifier.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/senim-fuzz-record-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr)
    return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  senim::verifier::Options options;
  options.threads = 1;
  (void)senim::verifier::verify_record(path, options);
  return 0;
}
