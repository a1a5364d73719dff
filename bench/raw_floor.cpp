#include "bench/raw_floor.hpp"

#include <decaf.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <stdexcept>
#include <vector>

#include "crypto/domain_tags.hpp"
#include "crypto/msm.hpp"
#include "protocol/entry.hpp"
#include "protocol/record.hpp"

namespace senim::bench {
namespace {

// This thread's CPU time in µs: on a shared machine, time the scheduler gave
// other processes is not counted (wall time would be).
double thread_cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// CPU microseconds per call of `op`, over `calls` calls; the median of `reps`.
template <class Op>
double per_call_us(unsigned reps, std::size_t calls, Op&& op) {
  std::vector<double> us;
  for (unsigned r = 0; r < reps; ++r) {
    const double start = thread_cpu_us();
    for (std::size_t i = 0; i < calls; ++i)
      op(i);
    us.push_back((thread_cpu_us() - start) / static_cast<double>(calls));
  }
  return median(us);
}

protocol::ParsedEntry first_ballot(const std::string& record) {
  auto reader = protocol::RecordReader::open(record);
  if (!reader)
    throw std::runtime_error(reader.error().message);
  for (;;) {
    auto frame = reader->next();
    if (!frame || !frame->has_value())
      throw std::runtime_error("no ballot in " + record);
    if ((*frame)->kind != protocol::FrameKind::entry)
      continue;
    auto parsed = protocol::parse_entry((*frame)->payload);
    if (parsed && parsed->statement.has_ballot())
      return std::move(*parsed);
  }
}

// Every 32-byte group element of the ballot: two per ciphertext, two per
// range-proof branch (the scalars are not points).
std::vector<std::string> point_encodings(const v1::Ballot& ballot) {
  std::vector<std::string> out;
  auto ciphertext = [&](const std::string& ct) {
    if (ct.size() == 64) {
      out.push_back(ct.substr(0, 32));
      out.push_back(ct.substr(32, 32));
    }
  };
  auto proof = [&](const std::string& p) {
    for (std::size_t at = 0; at + 128 <= p.size(); at += 128) {
      out.push_back(p.substr(at, 32));
      out.push_back(p.substr(at + 32, 32));
    }
  };
  for (const v1::ContestBallot& c : ballot.contests()) {
    for (const std::string& s : c.selections())
      ciphertext(s);
    ciphertext(c.blank());
    for (const std::string& p : c.selection_proofs())
      proof(p);
    proof(c.blank_proof());
    proof(c.count_proof());
  }
  return out;
}

}  // namespace

RawFloor measure_raw_floor(const std::string& record, unsigned reps, std::size_t batch_ballots) {
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium failed to initialise");
  RawFloor f;
  const protocol::ParsedEntry e = first_ballot(record);
  std::vector<std::string> points = point_encodings(e.statement.ballot());
  // The credential signature's R and the credential A (§11.1.2).
  points.push_back(e.entry.signature().substr(0, 32));
  points.push_back(e.entry.signer());
  f.decodes = points.size();
  // The MSM terms a ballot's equations need: one per point it carries (each
  // proof commitment; each ciphertext's α and β; the signature's R and A)
  // and the count proof's α and β of the sum, as the floor counts
  // them (G and K are shared).
  f.terms = points.size() + 2;
  decaf_255_point_t p;
  f.decode_us = per_call_us(reps, 2000 * points.size(), [&](std::size_t i) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(points[i % points.size()].data());
    if (decaf_255_point_decode(p, bytes, DECAF_TRUE) != DECAF_SUCCESS)
      throw std::runtime_error("a ballot point did not decode");
  });

  // The challenge's input: LP(tag) ‖ R ‖ A ‖ LP("senim/v1/entry") ‖ statement.
  Bytes hashed;
  append_u32_be(hashed, static_cast<std::uint32_t>(crypto::tags::kCredentialChallenge.size()));
  append(hashed, as_bytes(crypto::tags::kCredentialChallenge));
  append(hashed, as_bytes(e.entry.signature().substr(0, 32)));
  append(hashed, as_bytes(e.entry.signer()));
  append(hashed, protocol::entry_signing_message(as_bytes(e.entry.statement())));
  std::array<unsigned char, crypto_hash_sha512_BYTES> digest{};
  f.signature_hash_us = per_call_us(reps, 2000, [&](std::size_t) {
    crypto_hash_sha512(digest.data(), hashed.data(), hashed.size());
  });

  f.msm_terms = batch_ballots * f.terms;
  std::vector<crypto::Scalar> scalars(f.msm_terms);
  std::vector<crypto::Point> bases(f.msm_terms);
  for (std::size_t i = 0; i < f.msm_terms; ++i) {
    scalars[i] = crypto::Scalar::random();
    bases[i] = crypto::Point::mul_generator(crypto::Scalar::random());
  }
  f.msm_term_us =
      per_call_us(reps, 1, [&](std::size_t) { (void)crypto::msm_vartime(scalars, bases); }) /
      static_cast<double>(f.msm_terms);
  return f;
}

}  // namespace senim::bench
