#include "protocol/decryption.hpp"

#include <string>

#include "crypto/dlog.hpp"

namespace senim::protocol {

std::vector<crypto::Ciphertext> flatten(const DecodedTally& tally) {
  std::vector<crypto::Ciphertext> out;
  for (const auto& district : tally.sums) {
    for (const auto& ct : district)
      out.push_back(ct.value());
  }
  return out;
}

Expected<std::vector<crypto::PartialDecryption>> check_partial(
    const Hash32& base_hash, const v1::PartialDecryption& partial,
    const crypto::Element& public_share, const std::vector<crypto::Ciphertext>& ciphertexts) {
  const std::string who = "trustee " + std::to_string(partial.trustee());
  if (static_cast<std::size_t>(partial.shares_size()) != ciphertexts.size() ||
      static_cast<std::size_t>(partial.proofs_size()) != ciphertexts.size()) {
    return make_error(
        Errc::invalid_length,
        who + ": expected " + std::to_string(ciphertexts.size()) + " shares and proofs");
  }
  std::vector<crypto::PartialDecryption> out;
  crypto::BatchVerifier batch;
  for (std::size_t i = 0; i < ciphertexts.size(); ++i) {
    crypto::PartialDecryption p;
    p.trustee = partial.trustee();
    auto share = crypto::Element::decode(as_bytes(partial.shares(static_cast<int>(i))));
    if (!share)
      return Error{share.error().code,
                   who + " share " + std::to_string(i) + ": " + share.error().message};
    auto proof = crypto::ChaumPedersenProof::decode(as_bytes(partial.proofs(static_cast<int>(i))));
    if (!proof)
      return Error{proof.error().code,
                   who + " proof " + std::to_string(i) + ": " + proof.error().message};
    p.share = *share;
    p.proof = *proof;
    if (auto s =
            crypto::batch_partial_decryption(batch, p, public_share, ciphertexts[i], base_hash);
        !s) {
      return s.error();
    }
    out.push_back(std::move(p));
  }
  if (batch.verify())
    return out;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (auto s = crypto::verify_partial_decryption(out[i], public_share, ciphertexts[i], base_hash);
        !s) {
      return Error{s.error().code, who + " share " + std::to_string(i) + ": " + s.error().message};
    }
  }
  return make_error(Errc::equation_failed, who + ": batch verification failed");
}

Expected<v1::Result> combine_result(
    const ElectionShape& shape, std::uint32_t threshold, const DecodedTally& tally,
    const std::vector<std::vector<crypto::PartialDecryption>>& partials) {
  if (partials.size() < threshold) {
    return make_error(Errc::invalid_argument, "need partial decryptions from " +
                                                  std::to_string(threshold) + " trustees, have " +
                                                  std::to_string(partials.size()));
  }
  v1::Result result;
  v1::DistrictResult* total = result.mutable_total();
  for (const ContestShape& c : shape.contests) {
    auto* contest = total->add_contests();
    for (std::uint32_t i = 0; i < c.options; ++i)
      contest->add_options(0);
  }
  std::size_t flat = 0;
  for (std::size_t d = 0; d < shape.districts.size(); ++d) {
    const std::uint64_t counted = tally.ballots_counted[d];
    const crypto::DiscreteLog dlog(counted);
    v1::DistrictResult* district = result.add_districts();
    district->set_district(shape.districts[d]);
    district->set_ballots_counted(counted);
    total->set_ballots_counted(total->ballots_counted() + counted);
    std::size_t pos = 0;
    for (std::size_t c = 0; c < shape.contests.size(); ++c) {
      const ContestShape& cs = shape.contests[c];
      auto* contest = district->add_contests();
      for (std::uint32_t i = 0; i < cs.tally_width(); ++i, ++pos, ++flat) {
        std::vector<crypto::PartialDecryption> shares;
        shares.reserve(partials.size());
        for (const auto& trustee : partials)
          shares.push_back(trustee[flat]);
        auto m_g =
            crypto::combine_partial_decryptions(shares, threshold, tally.sums[d][pos].value());
        if (!m_g)
          return m_g.error();
        auto m = dlog.solve(*m_g);
        if (!m) {
          return make_error(Errc::not_found, "district \"" + shape.districts[d] + "\" contest " +
                                                 std::to_string(c + 1) +
                                                 ": the decrypted count exceeds " +
                                                 std::to_string(counted) + " ballots");
        }
        auto* total_contest = total->mutable_contests(static_cast<int>(c));
        if (i < cs.options) {
          contest->add_options(*m);
          total_contest->set_options(static_cast<int>(i),
                                     total_contest->options(static_cast<int>(i)) + *m);
        } else {
          contest->set_blank(*m);
          total_contest->set_blank(total_contest->blank() + *m);
        }
      }
    }
  }
  return result;
}

namespace {

Status compare_district(const ElectionShape& shape, const v1::DistrictResult& expected,
                        const v1::DistrictResult& published, const std::string& where) {
  if (published.district() != expected.district()) {
    return make_error(Errc::invalid_argument,
                      where + ": names district \"" + published.district() + "\"");
  }
  if (published.ballots_counted() != expected.ballots_counted()) {
    return make_error(Errc::equation_failed,
                      where + ": " + std::to_string(published.ballots_counted()) +
                          " ballots published, " + std::to_string(expected.ballots_counted()) +
                          " counted");
  }
  if (published.contests_size() != expected.contests_size()) {
    return make_error(Errc::invalid_length, where + ": wrong number of contests");
  }
  for (int c = 0; c < expected.contests_size(); ++c) {
    const auto& e = expected.contests(c);
    const auto& p = published.contests(c);
    const std::string at = where + " contest " + std::to_string(c + 1);
    if (p.options_size() != e.options_size()) {
      return make_error(Errc::invalid_length, at + ": wrong number of options");
    }
    for (int i = 0; i < e.options_size(); ++i) {
      if (p.options(i) != e.options(i)) {
        return make_error(Errc::equation_failed, at + " option " + std::to_string(i + 1) +
                                                     ": published " + std::to_string(p.options(i)) +
                                                     ", decrypted " + std::to_string(e.options(i)));
      }
    }
    const bool blank = shape.contests[static_cast<std::size_t>(c)].has_blank();
    if (p.blank() != e.blank() || (!blank && p.blank() != 0)) {
      return make_error(Errc::equation_failed, at + " blank: published " +
                                                   std::to_string(p.blank()) + ", decrypted " +
                                                   std::to_string(e.blank()));
    }
  }
  return Status::success();
}

}  // namespace

Status compare_result(const ElectionShape& shape, const v1::Result& expected,
                      const v1::Result& published) {
  if (published.districts_size() != expected.districts_size()) {
    return make_error(Errc::invalid_length,
                      "result has " + std::to_string(published.districts_size()) +
                          " districts, expected " + std::to_string(expected.districts_size()));
  }
  for (int d = 0; d < expected.districts_size(); ++d) {
    if (auto s = compare_district(shape, expected.districts(d), published.districts(d),
                                  "district \"" + expected.districts(d).district() + "\"");
        !s) {
      return s;
    }
  }
  return compare_district(shape, expected.total(), published.total(), "total");
}

}  // namespace senim::protocol
