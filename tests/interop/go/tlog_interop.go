// The Go half of senim's tlog interoperability test (tests/interop/README.md,
// docs/protocol.md §13). It checks what senim's C++ wrote into DIR with an
// implementation that is not senim's — golang.org/x/mod/sumdb/note and
// sumdb/tlog, as Debian packages them (built in GOPATH mode, offline) — and
// writes a note and a cosignature of its own for senim to verify.
//
// x/mod has no verifier for cosignature/v1 (c2sp.org/tlog-cosignature), so
// cosigV1Verifier below implements that one check from the specification,
// independently of senim's code.
//
// Usage: tlog-interop-go DIR (and `board …`, board_interop.go). Exit status
// 0 only if every check passes.
package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var dir string

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlog-interop-go: FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func ok(format string, args ...interface{}) {
	fmt.Printf("ok: "+format+"\n", args...)
}

func read(name string) []byte {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		fail("%v", err)
	}
	return data
}

func write(name string, data []byte) {
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		fail("%v", err)
	}
}

func readLine(name string) string {
	return strings.TrimSuffix(string(read(name)), "\n")
}

// ---------------------------------------------------------------- cosignature/v1

const algCosignatureV1 = 0x04

// keyID is SHA-256(name || "\n" || type || public key)[:4], big-endian
// (c2sp.org/signed-note, c2sp.org/tlog-cosignature).
func keyID(name string, typ byte, pub []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{typ})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

type cosigV1Verifier struct {
	name string
	id   uint32
	pub  ed25519.PublicKey
}

func (v *cosigV1Verifier) Name() string    { return v.name }
func (v *cosigV1Verifier) KeyHash() uint32 { return v.id }

// Verify checks a timestamped_signature (u64 big-endian timestamp ||
// Ed25519 signature) over "cosignature/v1\ntime <T>\n" || checkpoint text.
func (v *cosigV1Verifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t > 1<<63-1 {
		return false
	}
	m := fmt.Sprintf("cosignature/v1\ntime %d\n%s", t, msg)
	return ed25519.Verify(v.pub, []byte(m), sig[8:])
}

// newCosigV1Verifier parses a type-0x04 vkey: name+hex(id)+base64(0x04 || key).
func newCosigV1Verifier(vkey string) (*cosigV1Verifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return nil, errors.New("vkey is not name+id+key")
	}
	id, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil || len(parts[1]) != 8 {
		return nil, errors.New("bad key ID")
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) != 1+ed25519.PublicKeySize || key[0] != algCosignatureV1 {
		return nil, errors.New("not a 0x04 Ed25519 key")
	}
	if keyID(parts[0], algCosignatureV1, key[1:]) != uint32(id) {
		return nil, errors.New("key ID does not match the key")
	}
	return &cosigV1Verifier{parts[0], uint32(id), ed25519.PublicKey(key[1:])}, nil
}

func cosigV1Vkey(name string, pub ed25519.PublicKey) string {
	return fmt.Sprintf("%s+%08x+%s", name, keyID(name, algCosignatureV1, pub),
		base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, pub...)))
}

// ---------------------------------------------------------------- checks

// checkNote opens senim's note with senim's vkey.
func checkNote(logVerifier note.Verifier) {
	n, err := note.Open(read("note"), note.VerifierList(logVerifier))
	if err != nil {
		fail("note.Open(note): %v", err)
	}
	if n.Text != string(read("note.text")) || len(n.Sigs) != 1 {
		fail("note.Open(note): text %q, %d signatures", n.Text, len(n.Sigs))
	}
	ok("note.Open verifies senim's type-0x01 note with senim's vkey %s", logVerifier.Name())
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func parseCheckpoint(text string) checkpoint {
	lines := strings.Split(text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		fail("checkpoint text %q", text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || strconv.FormatInt(size, 10) != lines[1] {
		fail("checkpoint size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		fail("checkpoint root %q", lines[2])
	}
	return checkpoint{lines[0], size, root}
}

// checkCheckpoint verifies the log signature and both cosignatures, and that
// a cosignature with one byte changed is refused.
func checkCheckpoint(logVerifier note.Verifier) checkpoint {
	var known = []note.Verifier{logVerifier}
	for _, name := range []string{"witness1.vkey", "witness2.vkey"} {
		v, err := newCosigV1Verifier(readLine(name))
		if err != nil {
			fail("%s: %v", name, err)
		}
		known = append(known, v)
	}
	msg := read("checkpoint")
	n, err := note.Open(msg, note.VerifierList(known...))
	if err != nil {
		fail("note.Open(checkpoint): %v", err)
	}
	if len(n.Sigs) != 3 {
		fail("checkpoint: %d verified signatures, want 3", len(n.Sigs))
	}
	ok("note.Open verifies senim's checkpoint: the log's signature and 2 cosignature/v1")

	// Flip one bit in the last signature line's timestamp.
	last := bytes.LastIndex(msg[:len(msg)-1], []byte("\n")) + 1
	line := string(msg[last : len(msg)-1])
	space := strings.LastIndex(line, " ")
	raw, _ := base64.StdEncoding.DecodeString(line[space+1:])
	raw[4+7] ^= 1
	bad := append(append([]byte{}, msg[:last]...),
		[]byte(line[:space+1]+base64.StdEncoding.EncodeToString(raw)+"\n")...)
	_, err = note.Open(bad, note.VerifierList(known...))
	if _, isInvalid := err.(*note.InvalidSignatureError); !isInvalid {
		fail("a changed cosignature timestamp: %v, want InvalidSignatureError", err)
	}
	ok("a cosignature with its timestamp changed is an InvalidSignatureError")
	return parseCheckpoint(n.Text)
}

// dirTiles reads senim's tiles: sumdb's tile/8/<L>/<N> is tlog-tiles'
// tile/<L>/<N>.
type dirTiles struct{ reads int }

func (d *dirTiles) Height() int { return 8 }

func (d *dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	var out [][]byte
	for _, t := range tiles {
		path := strings.Replace(t.Path(), "tile/8/", "tile/", 1)
		data, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			return nil, err
		}
		d.reads++
		out = append(out, data)
	}
	return out, nil
}

func (d *dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// checkEntryBundles parses every entry bundle (big-endian uint16 lengths)
// and checks each entry's RecordHash against its level-0 tile.
func checkEntryBundles(size int64) {
	count := 0
	for n := int64(0); n*256 < size; n++ {
		width := size - n*256
		suffix := ""
		if width < 256 {
			suffix = fmt.Sprintf(".p/%d", width)
		} else {
			width = 256
		}
		t := tlog.Tile{H: 8, L: 0, N: n, W: int(width)}
		index := strings.TrimPrefix(t.Path(), "tile/8/0/")
		if suffix != "" {
			index = strings.TrimSuffix(index, suffix)
		}
		bundle := read("tile/entries/" + index + suffix)
		tile := read("tile/0/" + index + suffix)
		for i := int64(0); i < width; i++ {
			if len(bundle) < 2 {
				fail("bundle %d truncated", n)
			}
			l := int(binary.BigEndian.Uint16(bundle))
			if len(bundle) < 2+l {
				fail("bundle %d truncated", n)
			}
			h := tlog.RecordHash(bundle[2 : 2+l])
			if !bytes.Equal(h[:], tile[i*32:(i+1)*32]) {
				fail("entry %d does not hash to its tile", n*256+i)
			}
			bundle = bundle[2+l:]
			count++
		}
		if len(bundle) != 0 {
			fail("bundle %d has trailing bytes", n)
		}
	}
	ok("%d entries in entry bundles hash (tlog.RecordHash) to their level-0 tiles", count)
}

func hashes(fields []string) []tlog.Hash {
	var out []tlog.Hash
	for _, f := range fields {
		h, err := tlog.ParseHash(f)
		if err != nil {
			fail("hash %q", f)
		}
		out = append(out, h)
	}
	return out
}

func sameHashes(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkProofs recomputes the root from the tiles and every proof senim
// listed, and checks senim's proofs with CheckRecord and CheckTree.
func checkProofs(cp checkpoint) {
	tiles := &dirTiles{}
	r := tlog.TileHashReader(tlog.Tree{N: cp.size, Hash: cp.root}, tiles)
	th, err := tlog.TreeHash(cp.size, r)
	if err != nil || th != cp.root {
		fail("TreeHash(%d) from senim's tiles = %v, %v; want %v", cp.size, th, err, cp.root)
	}
	ok("TileHashReader + TreeHash recompute the checkpoint root from senim's tiles")
	leafHash := func(i int64) tlog.Hash {
		hs, err := r.ReadHashes([]int64{tlog.StoredHashIndex(0, i)})
		if err != nil {
			fail("ReadHashes leaf %d: %v", i, err)
		}
		return hs[0]
	}
	inclusions, consistencies := 0, 0
	scanner := bufio.NewScanner(bytes.NewReader(read("proofs")))
	for scanner.Scan() {
		f := strings.Fields(scanner.Text())
		a, _ := strconv.ParseInt(f[1], 10, 64)
		b, _ := strconv.ParseInt(f[2], 10, 64)
		senim := hashes(f[3:])
		switch f[0] {
		case "inclusion": // index, tree size, proof
			p, err := tlog.ProveRecord(b, a, r)
			if err != nil || !sameHashes(p, senim) {
				fail("ProveRecord(%d, %d) = %v, %v; senim has %v", b, a, p, err, senim)
			}
			if err := tlog.CheckRecord(senim, b, cp.root, a, leafHash(a)); err != nil {
				fail("CheckRecord(senim's proof for %d): %v", a, err)
			}
			inclusions++
		case "consistency": // old size, new size, old root, proof
			oldRoot, err := tlog.TreeHash(a, r)
			if err != nil || oldRoot != senim[0] {
				fail("TreeHash(%d) = %v, %v; senim has %v", a, oldRoot, err, senim[0])
			}
			p, err := tlog.ProveTree(b, a, r)
			if err != nil || !sameHashes(p, senim[1:]) {
				fail("ProveTree(%d, %d) = %v, %v; senim has %v", b, a, p, err, senim[1:])
			}
			if err := tlog.CheckTree(senim[1:], b, cp.root, a, oldRoot); err != nil {
				fail("CheckTree(senim's proof %d -> %d): %v", a, b, err)
			}
			consistencies++
		default:
			fail("proofs: unknown line %q", scanner.Text())
		}
	}
	if inclusions == 0 || consistencies == 0 {
		fail("proofs: %d inclusion and %d consistency proofs", inclusions, consistencies)
	}
	ok("ProveRecord/ProveTree equal senim's %d inclusion and %d consistency proofs; "+
		"CheckRecord/CheckTree accept senim's (%d tile reads)", inclusions, consistencies, tiles.reads)
}

// signForSenim writes a note signed with note.NewSigner and a checkpoint
// cosigned here, for senim's C++ to verify.
func signForSenim(cpText string) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "go.example/signer")
	if err != nil {
		fail("GenerateKey: %v", err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		fail("NewSigner: %v", err)
	}
	text := "Signed by golang.org/x/mod/sumdb/note.\n\nСеним — сенім.\n"
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		fail("Sign: %v", err)
	}
	write("go.vkey", []byte(vkey+"\n"))
	write("go.text", []byte(text))
	write("go.note", msg)

	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		fail("ed25519.GenerateKey: %v", err)
	}
	name := "go.example/witness"
	const timestamp = 1700000000
	sig := make([]byte, 8, 8+ed25519.SignatureSize)
	binary.BigEndian.PutUint64(sig, timestamp)
	sig = append(sig, ed25519.Sign(priv, []byte(fmt.Sprintf("cosignature/v1\ntime %d\n%s", timestamp, cpText)))...)
	line := fmt.Sprintf("— %s %s\n", name, base64.StdEncoding.EncodeToString(
		append(binary.BigEndian.AppendUint32(nil, keyID(name, algCosignatureV1, pub)), sig...)))
	write("go-witness.vkey", []byte(cosigV1Vkey(name, pub)+"\n"))
	write("go-witness.time", []byte(strconv.Itoa(timestamp)+"\n"))
	write("go-cosignature", []byte(line))
	ok("wrote go.note (note.Sign) and go-cosignature for senim to verify")
}

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "board" {
		board(os.Args[2:])
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tlog-interop-go DIR | tlog-interop-go board VKEY URL MIRROR RECEIPT...")
		os.Exit(2)
	}
	dir = os.Args[1]
	logVerifier, err := note.NewVerifier(readLine("log.vkey"))
	if err != nil {
		fail("note.NewVerifier(senim's log.vkey): %v", err)
	}
	ok("note.NewVerifier accepts senim's vkey")
	checkNote(logVerifier)
	cp := checkCheckpoint(logVerifier)
	checkEntryBundles(cp.size)
	checkProofs(cp)
	n, _ := note.Open(read("checkpoint"), note.VerifierList(logVerifier))
	signForSenim(n.Text)
}
