"""What scripts/check-transcripts replaces in the binaries' output, and how.

Usage: python3 tests/docs/normalise_test.py (ctest: docs_transcripts_normalise)."""

import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib"))

from transcripts.normalise import Normaliser, mask, short_code  # noqa: E402

KEY = bytes(range(32))
OTHER = bytes(range(100, 132))
CODE = bytes.fromhex("3bc5c728e5022277c0be8bea11a20ffbdd4ed7caaf5f4696212d3a6e96c7fb7c")


class StandIns(unittest.TestCase):
    def test_every_way_of_writing_a_value_gets_the_same_stand_in(self):
        n = Normaliser("/tmp/story")
        shown = n.to_doc(f"board key {KEY.hex()}", "a 1")
        standin = bytes.fromhex(shown.split()[-1])
        self.assertNotEqual(standin, KEY)
        self.assertEqual(n.to_doc(f'"board_key":"{base64.b64encode(KEY).decode()}"', "b 1"),
                         f'"board_key":"{base64.b64encode(standin).decode()}"')
        self.assertEqual(n.to_doc(f"board key {KEY.hex()[:16]}…", "c 1"), f"board key {standin.hex()[:16]}…")
        self.assertEqual(n.to_doc(f"signer {KEY.hex()[:8]}…", "c 2"), f"signer {standin.hex()[:8]}…")

    def test_a_short_tracking_code_is_the_short_form_of_the_stand_in(self):
        n = Normaliser("/tmp/story")
        self.assertEqual(short_code(CODE), "7F2W-EA75-08H7-FG5Y")  # docs/protocol.md, Crockford base32
        shown = n.to_doc(f"tracking code  {short_code(CODE)}\n               ({CODE.hex()})", "vote 1")
        full = bytes.fromhex(shown.split("(")[1].rstrip(")"))
        self.assertIn(short_code(full), shown)
        self.assertEqual(n.to_doc(f"tracking code {short_code(CODE)}: cast", "check 1"),
                         f"tracking code {short_code(full)}: cast")

    def test_a_value_met_first_as_a_prefix_keeps_that_prefix_when_met_whole(self):
        n = Normaliser("/tmp/story")
        prefix = n.to_doc(f"{KEY.hex()[:16]}…", "a 1")
        whole = n.to_doc(KEY.hex(), "b 1")
        self.assertTrue(whole.startswith(prefix.rstrip("…")))

    def test_a_stand_in_depends_on_where_the_value_is_met_not_on_what_came_before(self):
        a, b = Normaliser("/tmp/story"), Normaliser("/tmp/story")
        b.to_doc(OTHER.hex(), "an earlier transcript 1")
        self.assertEqual(a.to_doc(KEY.hex(), "finalize 1"), b.to_doc(KEY.hex(), "finalize 1"))
        self.assertNotEqual(a.to_doc(OTHER.hex(), "x 1"), b.to_doc(OTHER.hex(), "x 1"))

    def test_commands_get_the_real_values_back(self):
        n = Normaliser("/tmp/story")
        n.name_port(38211, 45093)
        shown = n.to_doc(f"http://127.0.0.1:38211/v1/ballots/{CODE.hex()}", "vote 1")
        self.assertTrue(shown.startswith("http://127.0.0.1:45093/v1/ballots/"))
        self.assertEqual(n.to_real(f"curl -s {shown}"), f"curl -s http://127.0.0.1:38211/v1/ballots/{CODE.hex()}")
        self.assertEqual(n.to_real("--server http://127.0.0.1:1"), "--server http://127.0.0.1:1")

    def test_a_command_quoting_a_value_no_output_printed_is_refused(self):
        n = Normaliser("/tmp/story")
        n.to_doc(CODE.hex(), "vote 1")
        with self.assertRaisesRegex(ValueError, "no earlier output of the story printed"):
            n.to_real(f"curl -s http://127.0.0.1:45093/v1/ballots/{OTHER.hex()}?format=json")

    def test_ports_of_boards_started_on_port_0_get_stand_ins_in_order(self):
        n = Normaliser("/tmp/story")
        self.assertEqual([n.name_port(p) for p in (40111, 40222, 40333)], [41245, 36915, 40003])
        self.assertEqual(n.to_doc("listening on http://127.0.0.1:40222", "s 1"),
                         "listening on http://127.0.0.1:36915")

    def test_the_story_directory_disappears_from_paths(self):
        n = Normaliser("/tmp/story")
        self.assertEqual(n.to_doc("cannot read /tmp/story/board/board.key", "s 1"), "cannot read board/board.key")

    def test_progress_and_colours_are_dropped(self):
        n = Normaliser("/tmp/story")
        text = ("senim-verify: 12 entries checked (40% of the record)\n"
                "\x1b[1;39m{\x1b[0m\"verdict\":\"verified\"\x1b[1;39m}\x1b[0m\n")
        self.assertEqual(n.to_doc(text, "s 1"), '{"verdict":"verified"}\n')

    def test_short_hex_numbers_and_ids_stay(self):
        n = Normaliser("/tmp/story")
        text = "entry 19, before-restore-1796119617, voter-000001.cred, city-2026"
        self.assertEqual(n.to_doc(text, "s 1"), text)


class Masks(unittest.TestCase):
    def test_times_and_ls_columns_are_ignored_when_comparing(self):
        self.assertEqual(mask("VERIFIED: all 18 checks passed (0.04 s)"),
                         mask("VERIFIED: all 18 checks passed (1.25 s)"))
        self.assertEqual(mask('{"seconds":0.0250645,"verdict":"verified"}'),
                         mask('{"seconds":3e-05,"verdict":"verified"}'))
        self.assertEqual(mask("-rw------- 1 root root  8192 Dec  1 10:06 board.head"),
                         mask("-rw------- 1 senim senim 8192 Jan 12  2027 board.head"))
        self.assertEqual(mask("the replaced database is board/board.sqlite.before-restore-1796119617."),
                         mask("the replaced database is board/board.sqlite.before-restore-1796134612."))

    def test_what_matters_is_not_ignored(self):
        self.assertNotEqual(mask("-rw------- 1 root root 32 Dec  1 10:06 board.key"),
                            mask("-rw-r--r-- 1 root root 32 Dec  1 10:06 board.key"))
        self.assertNotEqual(mask("VERIFIED: all 18 checks passed (0.04 s)"),
                            mask("VERIFIED: all 17 checks passed (0.04 s)"))
        self.assertEqual(mask("choose from 0 to 1 (numbers separated by spaces; empty for blank): "),
                         "choose from 0 to 1 (numbers separated by spaces; empty for blank):")


if __name__ == "__main__":
    unittest.main()
