#include "protocol/challenge_view.hpp"

#include "protocol/tracking_code.hpp"

namespace senim::protocol {

v1::ChallengeView challenge_view(const v1::Manifest& manifest, const Hash32& code,
                                 std::uint64_t leaf, const OpenedBallot& opened,
                                 const v1::ChallengedBallot& challenge) {
  const auto& openings = challenge.contests();
  v1::ChallengeView view;
  view.set_tracking_code(to_hex(code));
  view.set_short_code(short_tracking_code(code));
  view.set_leaf_index(leaf);
  for (std::size_t c = 0; c < opened.choices.contests.size(); ++c) {
    const v1::Contest& contest = manifest.contests(static_cast<int>(c));
    v1::OpenedContest* out = view.add_contests();
    out->set_id(contest.id());
    *out->mutable_title() = contest.title();
    for (int i = 0; i < contest.options_size(); ++i) {
      v1::OpenedOption* option = out->add_options();
      option->set_id(contest.options(i).id());
      *option->mutable_label() = contest.options(i).label();
      option->set_chosen(opened.choices.contests[c][static_cast<std::size_t>(i)] == 1);
    }
    out->set_blank(openings.Get(static_cast<int>(c)).blank() == 1);
  }
  return view;
}

}  // namespace senim::protocol
