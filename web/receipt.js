// Checks a senim receipt in the browser with WebCrypto (docs/protocol.md
// §11.3): the c2sp.org/tlog-proof@v1 file (§13.8), the board's Ed25519
// signature on its checkpoint (§11.2, C2SP signed-note §13.3) and the
// inclusion proof of SHA-256(0x00 ‖ entry) in the checkpoint's tree
// (§7.3, RFC 9162 §2.1.3.2). No library, no network: the board's key comes
// from the page's own copy of the set-up (v1/manifest).
"use strict";

const SenimReceipt = (() => {
  const enc = new TextEncoder();

  // A refusal with the message key that explains it (web/messages.json).
  class Refusal extends Error {
    constructor(key, values) {
      super(key);
      this.key = key;
      this.values = values || {};
    }
  }

  function base64(text, what) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
      throw new Refusal("receipt_not_file", { reason: what + " is not base64" });
    const raw = atob(text);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  function equal(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  function decimal(text, what) {
    if (!/^(0|[1-9][0-9]{0,15})$/.test(text))
      throw new Refusal("receipt_not_file", { reason: what + " is not a decimal number" });
    return Number(text);
  }

  // §13.8: "c2sp.org/tlog-proof@v1", "extra <b64>", "index <n>", hashes, "", note.
  function parseProof(text) {
    const lines = text.split("\n");
    if (lines[0] !== "c2sp.org/tlog-proof@v1")
      throw new Refusal("receipt_not_file", { reason: "its first line is not c2sp.org/tlog-proof@v1" });
    let i = 1;
    let extra = null;
    if (lines[i] && lines[i].startsWith("extra ")) extra = base64(lines[i++].slice(6), "extra");
    if (!extra) throw new Refusal("receipt_not_file", { reason: "it carries no entry" });
    if (!lines[i] || !lines[i].startsWith("index "))
      throw new Refusal("receipt_not_file", { reason: "it has no index line" });
    const index = decimal(lines[i++].slice(6), "index");
    const path = [];
    for (; i < lines.length && lines[i] !== ""; i++) {
      const h = base64(lines[i], "a proof hash");
      if (h.length !== 32) throw new Refusal("receipt_not_file", { reason: "a proof hash is not 32 bytes" });
      path.push(h);
    }
    if (i >= lines.length) throw new Refusal("receipt_not_file", { reason: "it has no checkpoint" });
    const note = lines.slice(i + 1).join("\n");
    return { extra, index, path, note };
  }

  // §13.3/§13.4: the text (origin, size, root, ending in "\n"), and its signature lines.
  function parseNote(note) {
    const split = note.indexOf("\n\n");
    if (split < 0) throw new Refusal("receipt_not_file", { reason: "its checkpoint is not a signed note" });
    const text = note.slice(0, split + 1);
    const [origin, sizeLine, rootLine, ...extensions] = text.slice(0, -1).split("\n");
    if (rootLine === undefined || extensions.length > 0)
      throw new Refusal("receipt_not_file", { reason: "its checkpoint does not have three lines" });
    const root = base64(rootLine, "the root");
    if (root.length !== 32) throw new Refusal("receipt_not_file", { reason: "the root is not 32 bytes" });
    const signatures = [];
    for (const line of note.slice(split + 2).split("\n")) {
      if (line === "") continue;
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new Refusal("receipt_not_file", { reason: "a signature line is malformed" });
      signatures.push({ name: m[1], blob: base64(m[2], "a signature") });
    }
    return { text, origin, size: decimal(sizeLine, "the size"), root, signatures };
  }

  // §11.2: key_id = SHA-256(origin ‖ 0x0A ‖ 0x01 ‖ board_key)[:4].
  async function keyId(origin, key) {
    return (await sha256(concat(enc.encode(origin), Uint8Array.of(0x0a, 0x01), key))).slice(0, 4);
  }

  async function verifyEd25519(key, signature, message) {
    let imported;
    try {
      imported = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      throw new Refusal("receipt_no_crypto");
    }
    return crypto.subtle.verify({ name: "Ed25519" }, imported, signature, message);
  }

  // Does the note carry a valid signature of `boardKey` under `origin`?
  async function verifyCheckpoint(note, origin, boardKey) {
    const parsed = parseNote(note);
    if (parsed.origin !== origin)
      throw new Refusal("receipt_wrong_origin", { origin: parsed.origin, expected: origin });
    const id = await keyId(origin, boardKey);
    const line = parsed.signatures.find((s) => s.name === origin && equal(s.blob.slice(0, 4), id));
    if (!line || line.blob.length !== 68) throw new Refusal("receipt_bad_signature");
    if (!(await verifyEd25519(boardKey, line.blob.slice(4), enc.encode(parsed.text))))
      throw new Refusal("receipt_bad_signature");
    parsed.cosigners = parsed.signatures.filter((s) => s !== line).map((s) => s.name);
    return parsed;
  }

  // RFC 9162 §2.1.3.2, as docs/protocol.md §7.3 states it.
  async function rootFromInclusion(leafHash, index, size, path) {
    if (index >= size) return null;
    let fn = index;
    let sn = size - 1;
    let r = leafHash;
    for (const p of path) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat(Uint8Array.of(1), p, r));
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = await sha256(concat(Uint8Array.of(1), r, p));
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // The bytes of field `number` (length-delimited) of a protobuf message, or null.
  function field(bytes, number) {
    let at = 0;
    const varint = () => {
      let v = 0;
      let mul = 1;
      for (;;) {
        if (at >= bytes.length) throw new Error("truncated");
        const b = bytes[at++];
        v += (b & 0x7f) * mul;
        if (b < 0x80) return v;
        mul *= 128;
      }
    };
    while (at < bytes.length) {
      const key = varint();
      const type = key % 8;
      if (type === 2) {
        const n = varint();
        if (Math.floor(key / 8) === number) return bytes.slice(at, at + n);
        at += n;
      } else if (type === 0) varint();
      else if (type === 1) at += 8;
      else if (type === 5) at += 4;
      else throw new Error("bad wire type");
    }
    return null;
  }

  // §9.4: the tracking code of a ballot or challenge entry, or null.
  async function trackingCode(entry) {
    try {
      const statement = field(entry, 1);
      if (!statement) return null;
      let ballotStatement = null;
      if (field(statement, 16)) ballotStatement = statement;
      const challenge = field(statement, 17);
      if (challenge) ballotStatement = field(challenge, 1);
      if (!ballotStatement) return null;
      const tag = enc.encode("senim/v1/tracking-code");
      const lp = concat(Uint8Array.of(0, 0, 0, tag.length), tag);
      return sha256(concat(lp, ballotStatement));
    } catch (e) {
      return null;
    }
  }

  // §9.4: the first 80 bits in Crockford base32, four groups of four.
  function shortCode(code) {
    const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let out = "";
    for (let s = 0; s < 16; s++) {
      let v = 0;
      for (let b = 0; b < 5; b++) {
        const bit = s * 5 + b;
        v = (v << 1) | ((code[bit >> 3] >> (7 - (bit % 8))) & 1);
      }
      if (s > 0 && s % 4 === 0) out += "-";
      out += alphabet[v];
    }
    return out;
  }

  // --- witness cosignatures (§11.4, §13.5, §13.7) ------------------------------

  // A vkey (C2SP signed-note): "<name>+<8 hex>+<base64(type ‖ key)>".
  function parseVkey(vkey) {
    const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey);
    if (!m) throw new Refusal("policy_bad", { line: vkey });
    const raw = base64(m[3], "a vkey");
    return { name: m[1], type: raw[0], key: raw.slice(1) };
  }

  // The manifest's witness policy (c2sp.org/tlog-policy, §13.7): its
  // witnesses, groups and quorum. The page only reads it; the board and
  // senim-verify enforce the file's rules.
  function parsePolicy(text) {
    const policy = { witnesses: new Map(), groups: new Map(), quorum: "none" };
    for (const raw of (text || "").split("\n")) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      const items = line.split(/[ \t]+/);
      if (items[0] === "witness" && items.length >= 3) {
        const v = parseVkey(items[2]);
        if (v.type !== 0x04 || v.key.length !== 32) throw new Refusal("policy_bad", { line });
        policy.witnesses.set(items[1], { name: items[1], keyName: v.name, key: v.key });
      } else if (items[0] === "group" && items.length >= 4) {
        const n = items.length - 3;
        const k = items[2] === "all" ? n : items[2] === "any" ? 1 : decimal(items[2], "a threshold");
        policy.groups.set(items[1], { k, members: items.slice(3) });
      } else if (items[0] === "quorum" && items.length === 2) {
        policy.quorum = items[1];
      } else if (items[0] !== "log") {
        throw new Refusal("policy_bad", { line });
      }
    }
    return policy;
  }

  function bigEndian(bytes) {
    let v = 0n;
    for (const b of bytes) v = v * 256n + BigInt(b);
    return v;
  }

  // Each cosignature line of the note by a witness of the policy: valid or
  // not. cosignature/v1: key ID SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4], and
  // an Ed25519 signature over "cosignature/v1\ntime <t>\n" ‖ the note's text.
  async function verifyCosignatures(parsed, policy) {
    const out = [];
    for (const [name, w] of policy.witnesses) {
      const id = (await sha256(concat(enc.encode(w.keyName), Uint8Array.of(0x0a, 0x04), w.key))).slice(0, 4);
      const lines = parsed.signatures.filter((s) => s.name === w.keyName && equal(s.blob.slice(0, 4), id));
      if (!lines.length) {
        out.push({ name, present: false, valid: false });
        continue;
      }
      let valid = false;
      let time = null;
      for (const line of lines) {
        if (line.blob.length !== 4 + 8 + 64) continue;
        const t = bigEndian(line.blob.slice(4, 12));
        if (t >= 2n ** 63n) continue;
        const message = enc.encode("cosignature/v1\ntime " + t.toString() + "\n" + parsed.text);
        if (await verifyEd25519(w.key, line.blob.slice(12), message)) {
          valid = true;
          time = Number(t);
          break;
        }
      }
      out.push({ name, present: true, valid, time });
    }
    return out;
  }

  // Is `name` (a witness, a group or "none") satisfied by the valid cosigners?
  function satisfied(policy, name, valid, depth = 0) {
    if (name === "none") return true;
    if (depth > 256) return false;
    if (policy.witnesses.has(name)) return valid.has(name);
    const g = policy.groups.get(name);
    if (!g) return false;
    return g.members.filter((m) => satisfied(policy, m, valid, depth + 1)).length >= g.k;
  }

  // The quorum as a person reads it, "2 of w1, w2, w3": `groupText(k,
  // members)` says a group in the page's language.
  function describeQuorum(policy, groupText, name = policy.quorum, depth = 0) {
    const g = policy.groups.get(name);
    if (!g || depth > 8) return name;
    const members = g.members.map((m) => describeQuorum(policy, groupText, m, depth + 1)).join(", ");
    return groupText ? groupText(g.k, members) : g.k + " / " + members;
  }

  // The note's cosignatures judged against the policy: {witnesses, valid, invalid, met, quorum}.
  async function judgeCosignatures(parsed, policyText, groupText) {
    const policy = parsePolicy(policyText);
    const witnesses = await verifyCosignatures(parsed, policy);
    const valid = new Set(witnesses.filter((w) => w.valid).map((w) => w.name));
    return {
      witnesses,
      valid: [...valid],
      invalid: witnesses.filter((w) => w.present && !w.valid).map((w) => w.name),
      total: policy.witnesses.size,
      met: satisfied(policy, policy.quorum, valid),
      none: policy.quorum === "none",
      quorum: describeQuorum(policy, groupText),
    };
  }

  // --- an entry proven from the tiles (§11.5, c2sp.org/tlog-tiles) ---------------

  function tileIndexPath(n) {
    let out = String(n % 1000).padStart(3, "0");
    for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 1000)) out = "x" + String(n % 1000).padStart(3, "0") + "/" + out;
    return out;
  }

  function widthSuffix(width) {
    return width === 256 ? "" : ".p/" + width;
  }

  async function getBytes(path) {
    let response;
    try {
      response = await fetch(path, { cache: "no-store" });
    } catch (e) {
      throw new Refusal("proof_missing", { path });
    }
    if (!response.ok) throw new Refusal("proof_missing", { path });
    return new Uint8Array(await response.arrayBuffer());
  }

  // A partial tile or bundle may be gone once the full one at its place is
  // written (§11.5): then the full one's first hashes or entries serve.
  async function getTileBytes(base, width) {
    if (width === 256) return { bytes: await getBytes(base), full: true };
    try {
      return { bytes: await getBytes(base + widthSuffix(width)), full: false };
    } catch (e) {
      return { bytes: await getBytes(base), full: true };
    }
  }

  // A tree of `size` leaves read from its tiles; each tile fetched once.
  function tiledTree(size) {
    const tiles = new Map();
    async function tile(level, n) {
      const count = Math.floor(size / 256 ** level);  // nodes at tree height 8·level
      const width = Math.min(256, count - n * 256);
      const path = "tile/" + level + "/" + tileIndexPath(n);
      if (!tiles.has(path)) {
        const got = await getTileBytes(path, width);
        if (got.bytes.length !== 32 * (got.full ? 256 : width)) throw new Refusal("proof_bad_tile", { path });
        tiles.set(path, got.bytes.slice(0, 32 * width));
      }
      return tiles.get(path);
    }
    // The hash of the complete subtree of height h whose leaves start at i·2^h.
    async function node(h, i) {
      const level = Math.floor(h / 8);
      const r = h % 8;
      const first = i * 2 ** r;
      const bytes = await tile(level, Math.floor(first / 256));
      const at = first % 256;
      let row = [];
      for (let k = 0; k < 2 ** r; k++) row.push(bytes.slice(32 * (at + k), 32 * (at + k + 1)));
      while (row.length > 1) {
        const up = [];
        for (let k = 0; k < row.length; k += 2) up.push(await sha256(concat(Uint8Array.of(1), row[k], row[k + 1])));
        row = up;
      }
      return row[0];
    }
    const largestPowerBelow = (n) => {
      let k = 1;
      while (k * 2 < n) k *= 2;
      return k;
    };
    // MTH(D[lo:hi]) (RFC 9162 §2.1.1).
    async function mth(lo, hi) {
      const n = hi - lo;
      if (largestPowerBelow(n + 1) === n && lo % n === 0) return node(Math.round(Math.log2(n)), lo / n);
      const k = largestPowerBelow(n);
      return sha256(concat(Uint8Array.of(1), await mth(lo, lo + k), await mth(lo + k, hi)));
    }
    // PATH(m, D[lo:hi]) (RFC 9162 §2.1.3.1).
    async function path(m, lo, hi) {
      const n = hi - lo;
      if (n === 1) return [];
      const k = largestPowerBelow(n);
      if (m < k) return [...(await path(m, lo, lo + k)), await mth(lo + k, hi)];
      return [...(await path(m - k, lo + k, hi)), await mth(lo, lo + k)];
    }
    // The entries of bundle n: big-endian uint16 lengths, each followed by its entry.
    async function bundle(n) {
      const width = Math.min(256, size - n * 256);
      const path = "tile/entries/" + tileIndexPath(n);
      const got = await getTileBytes(path, width);
      const bytes = got.bytes;
      const entries = [];
      let at = 0;
      while (at < bytes.length) {
        if (at + 2 > bytes.length) throw new Refusal("proof_bad_tile", { path });
        const length = bytes[at] * 256 + bytes[at + 1];
        if (at + 2 + length > bytes.length) throw new Refusal("proof_bad_tile", { path });
        entries.push(bytes.slice(at + 2, at + 2 + length));
        at += 2 + length;
      }
      if (entries.length !== (got.full ? 256 : width)) throw new Refusal("proof_bad_tile", { path });
      return entries.slice(0, width);
    }
    return { path: (m) => path(m, 0, size), bundle };
  }

  // Entry `index` of the checkpoint's tree, read from the tiles of the page's
  // own site and proven: its leaf hash with the path the tiles give leads to
  // the checkpoint's root (which verifyCheckpoint checked). Resolves to
  // {entry, code (full tracking code, hex, or null)}.
  async function proveEntry(index, checkpoint) {
    if (!(index < checkpoint.size)) throw new Refusal("proof_beyond", { index, size: checkpoint.size });
    const tree = tiledTree(checkpoint.size);
    const entry = (await tree.bundle(Math.floor(index / 256)))[index % 256];
    const leafHash = await sha256(concat(Uint8Array.of(0), entry));
    const root = await rootFromInclusion(leafHash, index, checkpoint.size, await tree.path(index));
    if (!root || !equal(root, checkpoint.root)) throw new Refusal("proof_bad_root", { index });
    const code = await trackingCode(entry);
    return { entry, code: code ? hex(code) : null };
  }

  // The whole check. `election`: {origin, boardKey (hex)}. Resolves to what
  // the receipt shows, or rejects with a Refusal.
  async function check(text, election) {
    if (!crypto || !crypto.subtle) throw new Refusal("receipt_no_crypto");
    const proof = parseProof(text);
    const key = Uint8Array.from(election.boardKey.match(/../g), (h) => parseInt(h, 16));
    const checkpoint = await verifyCheckpoint(proof.note, election.origin, key);
    const leafHash = await sha256(concat(Uint8Array.of(0), proof.extra));
    const root = await rootFromInclusion(leafHash, proof.index, checkpoint.size, proof.path);
    if (!root || !equal(root, checkpoint.root)) throw new Refusal("receipt_bad_proof");
    const code = await trackingCode(proof.extra);
    return {
      index: proof.index,
      size: checkpoint.size,
      leafHash: hex(leafHash),
      code: code ? shortCode(code) : null,
      cosigners: checkpoint.cosigners,
      cosignatures: await judgeCosignatures(checkpoint, election.policy, election.groupText),
      entry: proof.extra,
    };
  }

  return { check, verifyCheckpoint, equal, parseNote, judgeCosignatures, proveEntry, Refusal, shortCode, hex };
})();
