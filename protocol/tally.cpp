#include "protocol/tally.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "crypto/domain_tags.hpp"
#include "protocol/hashing.hpp"

namespace senim::protocol {

TallyAccumulator::TallyAccumulator(const ElectionShape& shape)
    : shape_(shape),
      sums_(shape.districts.size(), std::vector<crypto::Ciphertext>(shape.tally_width())),
      counted_(shape.districts.size(), 0) {}

void TallyAccumulator::add(std::size_t district, const std::vector<crypto::Ciphertext>& ballot) {
  if (district >= sums_.size() || ballot.size() != sums_[district].size()) {
    throw std::invalid_argument("TallyAccumulator::add: wrong district or width");
  }
  for (std::size_t i = 0; i < ballot.size(); ++i)
    sums_[district][i] += ballot[i];
  ++counted_[district];
}

void TallyAccumulator::subtract(std::size_t district,
                                const std::vector<crypto::Ciphertext>& ballot) {
  if (district >= sums_.size() || ballot.size() != sums_[district].size() ||
      counted_[district] == 0) {
    throw std::invalid_argument("TallyAccumulator::subtract: wrong district or width");
  }
  for (std::size_t i = 0; i < ballot.size(); ++i) {
    sums_[district][i] = sums_[district][i] - ballot[i];
  }
  --counted_[district];
}

void TallyAccumulator::add_all(const TallyAccumulator& other) {
  if (other.sums_.size() != sums_.size())
    throw std::invalid_argument("TallyAccumulator::add_all: different shapes");
  for (std::size_t d = 0; d < sums_.size(); ++d) {
    for (std::size_t i = 0; i < sums_[d].size(); ++i)
      sums_[d][i] += other.sums_[d][i];
    counted_[d] += other.counted_[d];
  }
}

void TallyAccumulator::subtract_all(const TallyAccumulator& other) {
  if (other.sums_.size() != sums_.size())
    throw std::invalid_argument("TallyAccumulator::subtract_all: different shapes");
  for (std::size_t d = 0; d < sums_.size(); ++d) {
    if (other.counted_[d] > counted_[d])
      throw std::invalid_argument("TallyAccumulator::subtract_all: more ballots than were added");
    for (std::size_t i = 0; i < sums_[d].size(); ++i)
      sums_[d][i] = sums_[d][i] - other.sums_[d][i];
    counted_[d] -= other.counted_[d];
  }
}

v1::EncryptedTally TallyAccumulator::to_message() const {
  v1::EncryptedTally out;
  for (std::size_t d = 0; d < sums_.size(); ++d) {
    auto* district = out.add_districts();
    district->set_district(shape_.districts[d]);
    district->set_ballots_counted(counted_[d]);
    std::size_t pos = 0;
    for (const ContestShape& contest : shape_.contests) {
      auto* c = district->add_contests();
      for (std::uint32_t i = 0; i < contest.options; ++i) {
        const Bytes enc = sums_[d][pos++].encode();
        c->add_options(enc.data(), enc.size());
      }
      if (contest.has_blank()) {
        const Bytes enc = sums_[d][pos++].encode();
        c->set_blank(enc.data(), enc.size());
      }
    }
  }
  return out;
}

Hash32 superseded_hash(std::vector<std::uint64_t> leaves) {
  std::sort(leaves.begin(), leaves.end());
  Bytes indices;
  indices.reserve(8 * leaves.size());
  for (std::uint64_t leaf : leaves)
    append_u64_be(indices, leaf);
  return TaggedHash(crypto::tags::kSuperseded).raw(indices).finish();
}

void set_superseded(v1::EncryptedTally& tally, const std::vector<std::uint64_t>& leaves) {
  tally.set_superseded_count(leaves.size());
  tally.set_superseded_hash(to_string(superseded_hash(leaves)));
}

Status check_superseded(const v1::EncryptedTally& tally, const std::vector<std::uint64_t>& leaves) {
  const auto ballots = [](std::uint64_t n) {
    return std::to_string(n) + (n == 1 ? " ballot" : " ballots");
  };
  if (tally.superseded_count() != leaves.size()) {
    return make_error(Errc::equation_failed,
                      "the tally says " + ballots(tally.superseded_count()) +
                          (tally.superseded_count() == 1 ? " was" : " were") +
                          " superseded; the re-vote rule supersedes " + ballots(leaves.size()));
  }
  const Hash32 expected = superseded_hash(leaves);
  if (!same_bytes(tally.superseded_hash(), expected)) {
    return make_error(Errc::equation_failed,
                      "the tally's superseded_hash " + to_hex(as_bytes(tally.superseded_hash())) +
                          " is not the hash of the " + ballots(leaves.size()) +
                          " the re-vote rule supersedes, " + to_hex(expected));
  }
  return Status::success();
}

namespace {

Expected<DecodedCiphertext> decode_at(const std::string& bytes, const std::string& where) {
  if (bytes.size() != crypto::Ciphertext::kBytes) {
    return make_error(Errc::invalid_length, where + ": ciphertext must be 64 bytes");
  }
  auto alpha = crypto::Element::decode(as_bytes(bytes).first(32));
  auto beta = crypto::Element::decode(as_bytes(bytes).subspan(32));
  if (!alpha || !beta)
    return make_error(Errc::invalid_encoding, where + ": not a valid ciphertext");
  return DecodedCiphertext{*alpha, *beta};
}

}  // namespace

Expected<DecodedTally> decode_tally(const ElectionShape& shape, const v1::EncryptedTally& tally) {
  if (static_cast<std::size_t>(tally.districts_size()) != shape.districts.size()) {
    return make_error(Errc::invalid_length, "tally has " + std::to_string(tally.districts_size()) +
                                                " districts; the manifest implies " +
                                                std::to_string(shape.districts.size()));
  }
  DecodedTally out;
  for (std::size_t d = 0; d < shape.districts.size(); ++d) {
    const v1::DistrictTally& district = tally.districts(static_cast<int>(d));
    const std::string where = "tally district \"" + shape.districts[d] + "\"";
    if (district.district() != shape.districts[d]) {
      return make_error(Errc::invalid_argument, where + ": found \"" + district.district() + "\"");
    }
    if (static_cast<std::size_t>(district.contests_size()) != shape.contests.size()) {
      return make_error(Errc::invalid_length, where + ": wrong number of contests");
    }
    std::vector<DecodedCiphertext> sums;
    for (std::size_t c = 0; c < shape.contests.size(); ++c) {
      const ContestShape& cs = shape.contests[c];
      const v1::ContestTally& ct = district.contests(static_cast<int>(c));
      const std::string at = where + " contest " + std::to_string(c + 1);
      if (static_cast<std::uint32_t>(ct.options_size()) != cs.options ||
          ct.blank().empty() == cs.has_blank()) {
        return make_error(Errc::invalid_length, at + ": wrong number of ciphertexts");
      }
      for (const auto& bytes : ct.options()) {
        auto dec = decode_at(bytes, at);
        if (!dec)
          return dec.error();
        sums.push_back(*dec);
      }
      if (cs.has_blank()) {
        auto dec = decode_at(ct.blank(), at + " blank");
        if (!dec)
          return dec.error();
        sums.push_back(*dec);
      }
    }
    out.ballots_counted.push_back(district.ballots_counted());
    out.sums.push_back(std::move(sums));
  }
  return out;
}

Status TallyAccumulator::restore(const v1::EncryptedTally& saved) {
  auto decoded = decode_tally(shape_, saved);
  if (!decoded)
    return decoded.error();
  for (std::size_t d = 0; d < sums_.size(); ++d) {
    for (std::size_t i = 0; i < sums_[d].size(); ++i)
      sums_[d][i] = decoded->sums[d][i].value();
    counted_[d] = decoded->ballots_counted[d];
  }
  return Status::success();
}

Status compare_tally(const ElectionShape& shape, const TallyAccumulator& expected,
                     const DecodedTally& published) {
  for (std::size_t d = 0; d < shape.districts.size(); ++d) {
    const std::string where = "district \"" + shape.districts[d] + "\"";
    if (expected.ballots_counted(d) != published.ballots_counted[d]) {
      return make_error(Errc::equation_failed,
                        where + ": " + std::to_string(published.ballots_counted[d]) +
                            " ballots published as counted, " +
                            std::to_string(expected.ballots_counted(d)) + " in the log");
    }
    for (std::size_t i = 0; i < published.sums[d].size(); ++i) {
      if (!(expected.district(d)[i] == published.sums[d][i].value())) {
        return make_error(
            Errc::equation_failed,
            where + " tally position " + std::to_string(i) +
                ": published aggregate differs from the product of the counted ballots");
      }
    }
  }
  return Status::success();
}

}  // namespace senim::protocol
