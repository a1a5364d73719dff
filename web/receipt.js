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
    };
  }

  return { check, verifyCheckpoint, parseNote, Refusal, shortCode, hex };
})();
