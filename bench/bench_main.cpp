// main() of the Google Benchmark micro-benchmarks: libsodium must be
// initialised before any randomness is drawn.
#include <benchmark/benchmark.h>
#include <sodium.h>

int main(int argc, char** argv) {
  if (sodium_init() < 0)
    return 1;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
