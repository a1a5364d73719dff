// The board half of the Go interoperability test (tests/interop/README.md):
// a real senim board, checked with golang.org/x/mod only.
//
//   tlog-interop-go board VKEY URL MIRROR RECEIPT...
//
// VKEY is the board's verifier key (docs/protocol.md §11.2); URL the running
// board; MIRROR a directory written by `senim export-tiles`; each RECEIPT a
// c2sp.org/tlog-proof@v1 file written by `senim vote`. For each receipt it
// opens the checkpoint with note.Open and checks the inclusion proof with
// tlog.CheckRecord, the leaf hash being SHA-256(0x00 || extra); then, from
// the tiles fetched over HTTP from the board (checking tlog-tiles' content
// types and cache headers) and read from the mirror, it recomputes the
// latest checkpoint's root with tlog.TileHashReader and tlog.TreeHash,
// proves each receipt's leaf (ProveRecord/CheckRecord) and its checkpoint's
// consistency (ProveTree/CheckTree) in the latest tree, and checks every
// entry in the bundles against its level-0 tile.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// A receipt: c2sp.org/tlog-proof@v1, read with nothing but the spec.
type receipt struct {
	extra []byte
	index int64
	proof tlog.RecordProof
	note  []byte
}

func parseReceipt(name string) receipt {
	data, err := os.ReadFile(name)
	if err != nil {
		fail("%v", err)
	}
	r := bufio.NewReader(bytes.NewReader(data))
	line := func() string {
		s, err := r.ReadString('\n')
		if err != nil {
			fail("%s: truncated", name)
		}
		return strings.TrimSuffix(s, "\n")
	}
	if line() != "c2sp.org/tlog-proof@v1" {
		fail("%s: not a c2sp.org/tlog-proof@v1 file", name)
	}
	var out receipt
	l := line()
	if strings.HasPrefix(l, "extra ") {
		if out.extra, err = base64.StdEncoding.DecodeString(l[len("extra "):]); err != nil {
			fail("%s: extra: %v", name, err)
		}
		l = line()
	}
	if !strings.HasPrefix(l, "index ") {
		fail("%s: no index line", name)
	}
	if out.index, err = strconv.ParseInt(l[len("index "):], 10, 64); err != nil {
		fail("%s: index: %v", name, err)
	}
	for l = line(); l != ""; l = line() {
		h, err := tlog.ParseHash(l)
		if err != nil {
			fail("%s: proof hash %q", name, l)
		}
		out.proof = append(out.proof, h)
	}
	out.note, _ = io.ReadAll(r)
	return out
}

// httpTiles reads tiles from the board and checks the headers tlog-tiles asks for.
type httpTiles struct {
	url   string
	reads int
}

func (h *httpTiles) Height() int { return 8 }

func get(url, wantType, wantCache string) []byte {
	resp, err := http.Get(url)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		fail("GET %s: %s", url, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != wantType {
		fail("GET %s: Content-Type %q, want %q", url, ct, wantType)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != wantCache {
		fail("GET %s: Cache-Control %q, want %q", url, cc, wantCache)
	}
	return body
}

func cacheFor(path string) string {
	if strings.Contains(path, ".p/") {
		return "public, max-age=5"
	}
	return "public, max-age=31536000, immutable"
}

func (h *httpTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	var out [][]byte
	for _, t := range tiles {
		path := strings.Replace(t.Path(), "tile/8/", "tile/", 1)
		out = append(out, get(h.url+"/"+path, "application/octet-stream", cacheFor(path)))
		h.reads++
	}
	return out, nil
}

func (h *httpTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// mirrorTiles reads the same paths from a directory.
type mirrorTiles struct{ dir string }

func (m *mirrorTiles) Height() int { return 8 }

func (m *mirrorTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	var out [][]byte
	for _, t := range tiles {
		data, err := os.ReadFile(filepath.Join(m.dir, strings.Replace(t.Path(), "tile/8/", "tile/", 1)))
		if err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, nil
}

func (m *mirrorTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// checkTree: the root from the tiles, each receipt's leaf and checkpoint in
// the latest tree, and every bundle against its level-0 tile.
func checkTree(what string, cp checkpoint, tr tlog.TileReader, bundle func(string) []byte,
	receipts []receipt, opened []checkpoint) {
	r := tlog.TileHashReader(tlog.Tree{N: cp.size, Hash: cp.root}, tr)
	th, err := tlog.TreeHash(cp.size, r)
	if err != nil || th != cp.root {
		fail("%s: TreeHash(%d) = %v, %v; want the checkpoint's %v", what, cp.size, th, err, cp.root)
	}
	for i, rc := range receipts {
		p, err := tlog.ProveRecord(cp.size, rc.index, r)
		if err != nil {
			fail("%s: ProveRecord(%d, %d): %v", what, cp.size, rc.index, err)
		}
		if err := tlog.CheckRecord(p, cp.size, cp.root, rc.index, tlog.RecordHash(rc.extra)); err != nil {
			fail("%s: the receipt's entry is not leaf %d of the latest tree: %v", what, rc.index, err)
		}
		tp, err := tlog.ProveTree(cp.size, opened[i].size, r)
		if err != nil {
			fail("%s: ProveTree(%d, %d): %v", what, cp.size, opened[i].size, err)
		}
		if err := tlog.CheckTree(tp, cp.size, cp.root, opened[i].size, opened[i].root); err != nil {
			fail("%s: the receipt's checkpoint is not a prefix of the latest: %v", what, err)
		}
	}
	entries := 0
	for n := int64(0); n*256 < cp.size; n++ {
		width := cp.size - n*256
		if width > 256 {
			width = 256
		}
		t := tlog.Tile{H: 8, L: 0, N: n, W: int(width)}
		path := strings.Replace(t.Path(), "tile/8/0/", "tile/entries/", 1)
		data := bundle(path)
		tiles, err := tr.ReadTiles([]tlog.Tile{t})
		if err != nil {
			fail("%s: %v", what, err)
		}
		for i := int64(0); i < width; i++ {
			if len(data) < 2 || len(data) < 2+int(binary.BigEndian.Uint16(data)) {
				fail("%s: %s truncated", what, path)
			}
			l := int(binary.BigEndian.Uint16(data))
			h := tlog.RecordHash(data[2 : 2+l])
			if !bytes.Equal(h[:], tiles[0][i*32:(i+1)*32]) {
				fail("%s: entry %d does not hash to its level-0 tile", what, n*256+i)
			}
			data = data[2+l:]
			entries++
		}
		if len(data) != 0 {
			fail("%s: %s has trailing bytes", what, path)
		}
	}
	ok("%s: TileHashReader+TreeHash give the checkpoint's root (size %d); %d receipts proven "+
		"in it (ProveRecord/CheckRecord, ProveTree/CheckTree); %d entries match their tiles",
		what, cp.size, len(receipts), entries)
}

func board(args []string) {
	if len(args) < 4 {
		fail("usage: tlog-interop-go board VKEY URL MIRROR RECEIPT...")
	}
	verifier, err := note.NewVerifier(args[0])
	if err != nil {
		fail("note.NewVerifier(the board's vkey): %v", err)
	}
	known := note.VerifierList(verifier)
	url, mirror := strings.TrimSuffix(args[1], "/"), args[2]
	var receipts []receipt
	var opened []checkpoint
	for _, name := range args[3:] {
		rc := parseReceipt(name)
		n, err := note.Open(rc.note, known)
		if err != nil {
			fail("%s: note.Open(the receipt's checkpoint): %v", name, err)
		}
		cp := parseCheckpoint(n.Text)
		if err := tlog.CheckRecord(rc.proof, cp.size, cp.root, rc.index, tlog.RecordHash(rc.extra)); err != nil {
			fail("%s: CheckRecord(the receipt's proof): %v", name, err)
		}
		receipts = append(receipts, rc)
		opened = append(opened, cp)
	}
	ok("note.Open and tlog.CheckRecord accept %d receipts written by senim vote", len(receipts))

	latest := get(url+"/checkpoint", "text/plain; charset=utf-8", "public, max-age=1")
	n, err := note.Open(latest, known)
	if err != nil {
		fail("note.Open(GET /checkpoint): %v", err)
	}
	cp := parseCheckpoint(n.Text)
	tiles := &httpTiles{url: url}
	checkTree("the board over HTTP", cp, tiles, func(path string) []byte {
		return get(url+"/"+path, "application/octet-stream", cacheFor(path))
	}, receipts, opened)

	mirrored, err := os.ReadFile(filepath.Join(mirror, "checkpoint"))
	if err != nil {
		fail("%v", err)
	}
	mn, err := note.Open(mirrored, known)
	if err != nil {
		fail("note.Open(the mirror's checkpoint): %v", err)
	}
	checkTree("the mirror directory", parseCheckpoint(mn.Text), &mirrorTiles{mirror},
		func(path string) []byte {
			data, err := os.ReadFile(filepath.Join(mirror, path))
			if err != nil {
				fail("%v", err)
			}
			return data
		}, receipts, opened)
	fmt.Println("ok: the board's receipts, checkpoint and tiles check with golang.org/x/mod alone")
}
