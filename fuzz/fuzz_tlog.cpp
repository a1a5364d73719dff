// Fuzz target: every parser of the C2SP transparency-log formats (tlog/,
// docs/protocol.md §13) on arbitrary input — notes (and their verification
// against fixed keys), vkeys, checkpoints, add-checkpoint requests (and the
// witness's decision), responses, policies, proof files, tile paths, entry
// bundles. Besides "no crash", it checks that the strict formats have one
// spelling: whatever parses formats back to exactly the input.
#include <sodium.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "crypto/merkle.hpp"
#include "tlog/checkpoint.hpp"
#include "tlog/cosignature.hpp"
#include "tlog/entry_bundle.hpp"
#include "tlog/note.hpp"
#include "tlog/policy.hpp"
#include "tlog/proof_file.hpp"
#include "tlog/tiles.hpp"
#include "tlog/vkey.hpp"
#include "tlog/witness_protocol.hpp"

namespace {

using namespace senim::tlog;
using senim::Expected;

// Known keys, so inputs derived from the seeds reach signature
// verification: the signed-note spec's example vkey, and the fixed test keys
// of tools/tlog_interop.cpp (a log and two cosignature/v1 witnesses) that
// signed the seeds cosigned-checkpoint and proof-file.
const std::vector<VerifierKey>& known_keys() {
  static const std::vector<VerifierKey> keys = [] {
    if (sodium_init() < 0)
      std::abort();
    std::vector<VerifierKey> out;
    for (const char* vkey :
         {"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
          "senim.example/interop+548efa20+AdBKsjJ0K7SrOhNovUYV5ObQIkq3GgFrr4UgozLJd4c3",
          "witness1.example/w+fac55915+BKCapfR6Z1mAL/lV+NwtKhSlyZ0jvpf4ZBJ/+Tg0VaTw",
          "witness2.example/w+3ac8b777+BBfLefsrQSDysexl5BmNbgiyjoE/6wHkpACDm4XhgIDO"}) {
      Expected<VerifierKey> key = parse_vkey(vkey);
      if (!key)
        std::abort();
      out.push_back(*key);
    }
    return out;
  }();
  return keys;
}

// A policy over the same keys: the log and both witnesses, quorum both.
const Policy& known_policy() {
  static const Policy policy = [] {
    const std::vector<VerifierKey>& k = known_keys();
    Policy p;
    p.logs = {{k[1], ""}};
    p.witnesses = {{"w1", k[2], ""}, {"w2", k[3], ""}};
    p.groups = {{"both", PolicyGroup::Threshold::all, 2, {"w1", "w2"}}};
    p.quorum = "both";
    return p;
  }();
  return policy;
}

void require(bool property) {
  if (!property)
    std::abort();  // a strict format with two spellings is a finding
}

void notes(std::string_view text) {
  if (Expected<Note> note = parse_note(text); note)
    require(format_note(*note) == text);
  (void)open_note(text, known_keys());
  if (Expected<NoteSignature> sig = parse_signature_line(text); sig)
    require(format_signature_line(*sig) == std::string(text) + "\n");
  if (Expected<VerifierKey> key = parse_vkey(text); key)
    require(format_vkey(*key) == text);
  if (Expected<Checkpoint> checkpoint = parse_checkpoint(text); checkpoint)
    require(*format_checkpoint(*checkpoint) == text);
  if (Expected<CheckpointVerification> v = verify_checkpoint(text, known_keys(), known_policy()); v)
    (void)require_quorum(*v, known_policy());
}

void witness(std::string_view text) {
  if (Expected<AddCheckpointRequest> request = parse_add_checkpoint_request(text); request) {
    require(*format_add_checkpoint_request(request->old_size, request->proof, request->note) ==
            text);
    const Checkpoint latest{request->checkpoint.origin, 3, senim::Hash32{}, {}};
    // Unknown origin, first contact, and a latest checkpoint to be consistent with.
    (void)decide_add_checkpoint(*request, WitnessOriginState{false, {}, std::nullopt});
    (void)decide_add_checkpoint(*request, WitnessOriginState{true, known_keys(), latest});
    (void)decide_add_checkpoint(*request, WitnessOriginState{true, known_keys(), std::nullopt});
  }
  if (auto lines = parse_add_checkpoint_response(text); lines)
    require(format_add_checkpoint_response(*lines) == text);
  if (Expected<std::uint64_t> size = parse_tlog_size(text); size)
    require(format_tlog_size(*size) == text);
}

void policies_and_proofs(std::string_view text) {
  if (Expected<Policy> policy = parse_policy(text); policy) {
    require(*parse_policy(format_policy(*policy)) == *policy);
    (void)quorum_satisfied(*policy, {});
    (void)verify_checkpoint(text, log_keys_of(*policy), *policy);
  }
  if (Expected<ProofFile> proof = parse_proof_file(text); proof) {
    require(format_proof_file(*proof) == text);
    (void)verify_proof_file(*proof,
                            senim::crypto::merkle::leaf_hash(proof->extra.value_or(senim::Bytes{})),
                            known_keys(), known_policy());
  }
}

void tiles(std::string_view text, senim::ByteView bytes) {
  if (Expected<TilePath> path = parse_tile_path(text); path)
    require((path->entries ? entry_bundle_path(path->tile) : tile_path(path->tile)) == text);
  if (Expected<std::vector<senim::Bytes>> entries = decode_entry_bundle(bytes); entries) {
    const senim::Bytes again = *encode_entry_bundle(*entries);
    require(std::equal(again.begin(), again.end(), bytes.begin(), bytes.end()));
  }
  (void)decode_timestamped_signature(bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  notes(text);
  witness(text);
  policies_and_proofs(text);
  tiles(text, senim::ByteView(data, size));
  return 0;
}
