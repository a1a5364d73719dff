// The board's web page (docs/api.md, "The web page"): reads the board's
// readable answers with relative URLs, so that it works from the board and
// from a static mirror (which serves the same paths as files), and says so
// plainly when an answer is missing. Texts: web/messages.json and the manifest.
"use strict";

const LANGS = ["kk", "ru", "en"];
const POLL_MS = 5000;
const page = { lang: "kk", messages: {}, election: null, turnout: null, result: null, info: null };

const $ = (id) => document.getElementById(id);

function t(key, values) {
  const table = page.messages[page.lang] || {};
  let text = table[key] ?? page.messages.en?.[key] ?? key;
  for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(String(value));
  return text;
}

// A manifest Text in the page's language (the manifest's first language otherwise).
function text(value) {
  const map = (value && value.text) || {};
  return map[page.lang] ?? Object.values(map)[0] ?? "";
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function fill(id, ...children) {
  const node = $(id);
  node.replaceChildren(...children);
  return node;
}

function chooseLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (LANGS.includes(asked)) return asked;
  try {
    const kept = localStorage.getItem("senim-lang");
    if (LANGS.includes(kept)) return kept;
  } catch (e) { /* storage may be off */ }
  for (const l of navigator.languages || [navigator.language || ""]) {
    const base = l.toLowerCase().split("-")[0];
    if (LANGS.includes(base)) return base;
  }
  return "kk";
}

// GET a JSON answer; {ok, status, body} or {ok:false, missing:true} when the
// answer is absent or not JSON (a mirror without that file), or unreachable.
async function getJson(path) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (e) {
    return { ok: false, unreachable: true, reason: e.message };
  }
  let body = null;
  try {
    body = JSON.parse(await response.text());
  } catch (e) {
    return { ok: false, missing: true, status: response.status };
  }
  return { ok: response.ok, status: response.status, body };
}

function percent(part, whole) {
  if (!whole) return "—";
  return (Math.round((1000 * part) / whole) / 10).toLocaleString(page.lang) + " %";
}

function number(n) {
  return Number(n).toLocaleString(page.lang);
}

function notice(message) {
  const n = $("notice");
  n.textContent = message;
  n.hidden = !message;
}

// --- the election -----------------------------------------------------------

function renderElection() {
  const v = page.election;
  if (!v) return;
  const m = v.manifest;
  fill("title", text(m.title));
  document.title = text(m.title) + " — senim";
  fill("question", m.contests.map((c) => text(c.title)).join(" · "));
  const facts = [
    [t("election_id"), v.election_id],
    [t("phase"), t("phase_" + v.phase)],
    [t("board_key"), v.board_fingerprint],
    [t("authority_key"), v.authority_fingerprint],
  ];
  fill("facts", ...facts.flatMap(([k, val]) => [el("dt", {}, k), el("dd", { class: "code" }, val)]));
  fill(
    "contests",
    ...m.contests.map((c) => {
      const rule = c.min_selections === c.max_selections
        ? t("choose_exactly", { max: c.max_selections })
        : t("choose_between", { min: c.min_selections || 0, max: c.max_selections });
      return el("div", { class: "contest" },
        el("h3", {}, text(c.title)),
        el("p", { class: "help" }, rule + (c.min_selections ? "" : "; " + t("blank_allowed"))),
        el("ul", {}, ...c.options.map((o) => el("li", {}, text(o.label)))));
    }),
  );
  const districts = m.districts || [];
  fill("districts", ...(districts.length ? districts.map((d) => el("li", {}, text(d.name))) : [el("li", {}, t("no_districts"))]));
  fill("threshold", t("threshold", { k: v.threshold, n: v.trustees.length }));
  fill("trustees", ...v.trustees.map((tr) =>
    el("li", {}, tr.name + " — " + t("fingerprint") + " ", el("span", { class: "code" }, tr.fingerprint))));
  fill("timeline", ...(v.timeline || []).map((s) =>
    el("li", {}, t("timeline_step", { phase: t("phase_" + s.phase), entry: number(s.leaf_index) }))));
}

// --- live counters and turnout ---------------------------------------------

function districtName(d) {
  return d.district ? text(d.name) || d.district : t("whole_election");
}

function renderLive() {
  const tr = page.turnout;
  if (!tr) return;
  fill("counters",
    el("dt", {}, t("phase")), el("dd", {}, t("phase_" + tr.phase)),
    el("dt", {}, t("entries")), el("dd", { id: "tree-size" }, number(tr.tree_size)),
    el("dt", {}, t("ballots_cast")), el("dd", { id: "ballots-cast" }, number(tr.ballots_cast)),
    el("dt", {}, t("updated", { time: "" }).replace(/[:：]\s*$/, "")), el("dd", {}, new Date().toLocaleTimeString(page.lang)));
  const row = (d, th) => el("tr", {},
    el(th ? "th" : "td", th ? { scope: "row" } : {}, th ? t("total") : districtName(d)),
    el("td", { class: "num" }, number(d.credentials)),
    el("td", { class: "num" }, number(d.voters)),
    el("td", { class: "num" }, percent(Number(d.voters), Number(d.credentials))));
  fill("turnout",
    el("caption", {}, t("turnout")),
    el("thead", {}, el("tr", {}, ...["district", "credentials", "voters", "turnout"].map((k) => el("th", { scope: "col" }, t(k))))),
    el("tbody", {}, ...tr.districts.map((d) => row(d, false))),
    el("tfoot", {}, row(tr.total, true)));
}

// --- the result ---------------------------------------------------------------

function bar(share) {
  const wrap = el("span", { class: "bar", "aria-hidden": "true" });
  const fillBar = el("span", { class: "bar-fill" });
  fillBar.style.width = Math.max(0, Math.min(100, share)) + "%";
  wrap.append(fillBar);
  return wrap;
}

function contestTable(contest, counted, caption) {
  const rows = contest.options.map((o) => [text(o.label), Number(o.count)]);
  if (contest.has_blank) rows.push([t("blank"), Number(contest.blank)]);
  return el("table", { class: "result" },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("option")), el("th", { scope: "col" }, t("count")), el("th", { scope: "col" }, t("percent")))),
    el("tbody", {}, ...rows.map(([label, count]) => el("tr", {},
      el("th", { scope: "row" }, label),
      el("td", { class: "num" }, number(count)),
      el("td", { class: "share" }, bar(counted ? (100 * count) / counted : 0), " " + percent(count, counted))))));
}

function renderResult() {
  const r = page.result;
  if (!r) {
    fill("result-body", el("p", {}, t("no_result_yet")));
    return;
  }
  const total = r.total;
  const counted = Number(total.ballots_counted);
  const parts = [el("p", { id: "result-summary" },
    t("ballots_counted") + ": " + number(counted) + " · " + t("turnout") + ": " + percent(counted, Number(total.credentials)))];
  for (const c of total.contests) parts.push(contestTable(c, counted, text(c.title)));
  parts.push(el("p", { class: "help" }, t("percent_note")));
  parts.push(el("h3", {}, t("by_district")));
  for (let i = 0; i < total.contests.length; i++) {
    const head = total.contests[i];
    const columns = head.options.map((o) => text(o.label)).concat(head.has_blank ? [t("blank")] : []);
    parts.push(el("div", { class: "scroll" }, el("table", { class: "districts" },
      el("caption", {}, text(head.title)),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("district")), el("th", { scope: "col" }, t("ballots_counted")),
        el("th", { scope: "col" }, t("turnout")), ...columns.map((c) => el("th", { scope: "col" }, c)))),
      el("tbody", {}, ...r.districts.map((d) => {
        const dc = d.contests[i];
        const n = Number(d.ballots_counted);
        const counts = dc.options.map((o) => Number(o.count)).concat(dc.has_blank ? [Number(dc.blank)] : []);
        return el("tr", {}, el("th", { scope: "row" }, districtName(d)), el("td", { class: "num" }, number(n)),
          el("td", { class: "num" }, percent(n, Number(d.credentials))),
          ...counts.map((k) => el("td", { class: "num" }, number(k) + " (" + percent(k, n) + ")")));
      })))));
  }
  fill("result-body", ...parts);
}

// --- the checkpoint --------------------------------------------------------------

async function loadCheckpoint() {
  let note;
  try {
    const response = await fetch("checkpoint", { cache: "no-store" });
    if (!response.ok) return;
    note = await response.text();
  } catch (e) {
    return;
  }
  $("checkpoint-text").textContent = note;
  let status;
  let parsed = null;
  try {
    parsed = await SenimReceipt.verifyCheckpoint(note, page.election.log_origin, hexBytes(page.election.board_key));
    status = t("checkpoint_verified");
  } catch (e) {
    status = t("checkpoint_unverified", { reason: e.key ? t(e.key, e.values) : e.message });
    try { parsed = SenimReceipt.parseNote(note); } catch (e2) { /* shown as text only */ }
  }
  const facts = [];
  if (parsed) {
    facts.push([t("checkpoint_size"), number(parsed.size)], [t("checkpoint_root"), SenimReceipt.hex(parsed.root)]);
  }
  facts.push([t("checkpoint_signed"), status]);
  let cosigned = t("no_cosignatures");
  if (parsed && parsed.cosigners) {
    try {
      const judged = await SenimReceipt.judgeCosignatures(parsed, page.election.manifest.witness_policy || "", groupText);
      cosigned = judged.none ? t("quorum_none") : t(judged.met ? "quorum_met" : "quorum_not_met", {
        k: judged.valid.length, n: judged.total, names: judged.valid.join(", ") || "—", quorum: judged.quorum,
      });
      if (judged.invalid.length) cosigned += " " + judged.invalid.map((name) => t("cosignature_invalid", { name })).join(" ");
    } catch (e) {
      cosigned = e.key ? t(e.key, e.values) : e.message;
    }
  }
  fill("checkpoint-facts", ...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { class: "code" }, v)]),
    el("dt", {}, t("cosigned_by")), el("dd", { id: "checkpoint-cosigned" }, cosigned));
}

function hexBytes(h) {
  return Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16));
}

// --- search -------------------------------------------------------------------

// The same rules as the board's (docs/api.md, "Encodings"), so that a typo
// is explained before anything is asked.
function checkCode(raw) {
  const code = raw.trim();
  if (!code) return { error: t("code_empty") };
  if (/^[0-9a-fA-F]{64}$/.test(code)) return { code: code.toLowerCase() };
  const symbols = code.replace(/[-\s]/g, "");
  const bad = [...symbols].find((c) => !/[0-9A-TV-Za-tv-z]/.test(c));
  if (bad) return { error: t("code_bad_chars", { char: bad }) };
  if (symbols.length !== 16) return { error: t("code_bad_length", { n: symbols.length }) };
  return { code: symbols.toUpperCase().replace(/(.{4})(?!$)/g, "$1-") };
}

// Crockford's decoding (docs/api.md, "Encodings"): O is 0, I and L are 1.
function crockford(short) {
  return short.toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1");
}

// A static mirror has no /v1/ballots: its code index (docs/api.md, "A
// mirror's code index") answers with the same fields, from the bucket of the
// code's first three symbols. An answer shaped as the board's.
async function searchMirror(code) {
  const full = code.length === 64 ? code : null;
  const short = full ? SenimReceipt.shortCode(hexBytes(full)) : crockford(code);
  const index = await getJson("v1/code-index/index.json");
  if (!index.ok) return { ok: false, missing: true };
  const width = index.body && index.body.prefix_symbols;
  if (!Number.isInteger(width) || width < 1 || width > 16)
    return { ok: false, mirror: true, message: t("index_damaged", { file: "v1/code-index/index.json" }) };
  const name = "v1/code-index/" + short.replace(/-/g, "").slice(0, width) + ".json";
  const bucket = await getJson(name);
  const size = index.body.tree_size;
  if (bucket.unreachable) return bucket;
  if (bucket.ok && !(bucket.body && Array.isArray(bucket.body.ballots)))
    return { ok: false, mirror: true, message: t("index_damaged", { file: name }) };
  if (!bucket.ok && bucket.status !== 404)
    return { ok: false, mirror: true, message: t("index_damaged", { file: name }) };
  const hits = bucket.ok
    ? bucket.body.ballots.filter((b) => b && (full ? b.tracking_code === full : b.short_code === short))
    : [];
  if (hits.length === 1) return { ok: true, body: hits[0], mirror: true };
  if (hits.length > 1) return { ok: false, mirror: true, message: t("code_ambiguous", { code: short }) };
  return { ok: false, mirror: true, status: 404, notFound: true, size };
}

// The index's answer is a convenience; the proof is the entry it names, read
// from the tiles and proven against the checkpoint the board signed.
async function proveBallot(b, retried) {
  try {
    const note = await (await fetch("checkpoint", { cache: "no-store" })).text();
    const checkpoint = await SenimReceipt.verifyCheckpoint(note, page.election.log_origin, hexBytes(page.election.board_key));
    const proven = await SenimReceipt.proveEntry(Number(b.leaf_index), checkpoint);
    if (proven.code !== b.tracking_code)
      return { ok: false, message: t("proof_wrong_entry", { entry: number(b.leaf_index), code: b.short_code }) };
    return { ok: true, message: t("proof_ok", { entry: number(b.leaf_index), size: number(checkpoint.size) }) };
  } catch (e) {
    // A ballot just admitted may be ahead of the checkpoint the board serves
    // for a moment (it signs one per commit): ask once more.
    if (e.key === "proof_beyond" && !retried) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return proveBallot(b, true);
    }
    return { ok: false, message: t("proof_failed", { reason: e.key ? t(e.key, e.values) : e.message }) };
  }
}

async function search(event) {
  event.preventDefault();
  try {
    await searchFor();
  } catch (e) {
    $("search-answer").replaceChildren(el("p", { class: "refused", role: "alert" }, t("search_failed", { reason: e.message })));
  }
}

async function searchFor() {
  const answer = $("search-answer");
  const checked = checkCode($("code").value);
  if (checked.error) {
    answer.replaceChildren(el("p", { class: "refused", role: "alert" }, checked.error));
    return;
  }
  answer.replaceChildren(el("p", {}, t("searching")));
  let found = await getJson("v1/ballots/" + encodeURIComponent(checked.code));
  if (found.missing) found = await searchMirror(checked.code);
  if (found.ok) {
    const b = found.body;
    const proof = page.election ? await proveBallot(b) : { ok: false, message: t("missing", { what: t("what_manifest") }) };
    const parts = [
      el("p", { class: proof.ok ? "found" : "refused" },
        t(proof.ok ? "found_at" : "answer_claims", { code: b.short_code, entry: number(b.leaf_index) })),
      el("p", { id: "ballot-proof", "data-proof": proof.ok ? "verified" : "refused", class: proof.ok ? "" : "refused", role: proof.ok ? "status" : "alert" },
        (proof.ok ? "✓ " : "✗ ") + proof.message),
    ];
    if (proof.ok) {
      parts.push(el("p", { id: "ballot-state", "data-state": b.state }, t("state_" + b.state)));
      if (found.mirror) parts.push(el("p", { class: "help" }, t("mirror_state_note")));
      if (b.state === "challenged") {
        const opened = await getJson("v1/challenges/" + b.tracking_code);
        if (opened.ok) parts.push(renderOpened(opened.body));
        else parts.push(el("p", { class: "refused" }, t("missing", { what: t("what_challenge") })));
      }
    }
    answer.replaceChildren(...parts);
  } else if (found.notFound) {
    answer.replaceChildren(el("p", { class: "refused", id: "not-found" }, t("mirror_not_found", { code: checked.code, size: number(found.size) })));
  } else if (found.message) {
    answer.replaceChildren(el("p", { class: "refused" }, found.message));
  } else if (found.status === 404 && found.body && found.body.code === "not_found") {
    answer.replaceChildren(el("p", { class: "refused", id: "not-found" }, t("not_found", { code: checked.code })));
  } else if (found.body && found.body.message) {
    answer.replaceChildren(el("p", { class: "refused" }, t("server_said", { message: found.body.message })));
  } else if (found.unreachable) {
    answer.replaceChildren(el("p", { class: "refused" }, t("unreachable", { reason: found.reason })));
  } else {
    answer.replaceChildren(el("p", { class: "refused" }, t("search_unavailable")));
  }
}

function renderOpened(view) {
  return el("div", { id: "opened" }, el("p", {}, t("challenge_choices")),
    ...view.contests.map((c) => el("div", { class: "contest" }, el("h3", {}, text(c.title)),
      el("ul", { class: "choices" }, ...c.options.map((o) =>
        el("li", { "data-chosen": String(o.chosen) }, (o.chosen ? "☑ " : "☐ ") + text(o.label) + " — " + t(o.chosen ? "chosen" : "not_chosen"))),
        ...(c.blank ? [el("li", { "data-chosen": "true" }, "☑ " + t("blank_chosen"))] : [])))));
}

// --- the receipt -------------------------------------------------------------------

async function checkReceipt(file) {
  const answer = $("receipt-answer");
  const refuse = (message) => answer.replaceChildren(el("div", { class: "refused", role: "alert", id: "receipt-refused" },
    el("p", { class: "verdict" }, "✗ " + t("receipt_bad")), el("p", {}, message)));
  if (!file) return;
  if (file.size > 1 << 20) return refuse(t("receipt_too_large", { size: number(file.size) }));
  if (!page.election) return refuse(t("missing", { what: t("what_manifest") }));
  answer.replaceChildren(el("p", {}, t("receipt_checking")));
  let textOf;
  try {
    textOf = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
  } catch (e) {
    return refuse(t("receipt_not_file", { reason: "not UTF-8 text" }));
  }
  try {
    const shown = await SenimReceipt.check(textOf, { origin: page.election.log_origin, boardKey: page.election.board_key,
      policy: page.election.manifest.witness_policy || "", groupText });
    const parts = [el("p", { class: "verdict" }, "✓ " + t("receipt_ok")),
      el("p", {}, t("receipt_entry", { index: number(shown.index), size: number(shown.size) }))];
    if (shown.code) parts.push(el("p", {}, t("receipt_code", { code: "" }), el("span", { class: "code", id: "receipt-code" }, shown.code)));
    parts.push(el("h3", {}, t("receipt_own_checkpoint")), ...cosignatureLines(shown.cosignatures, "receipt"));
    parts.push(el("h3", {}, t("receipt_witnessed_heading")), ...(await witnessedCover(shown)));
    parts.push(el("p", {}, t("receipt_proves")), el("p", {}, t("receipt_not_proves")));
    answer.replaceChildren(el("div", { class: "ok", id: "receipt-ok" }, ...parts));
  } catch (e) {
    refuse(e.key ? t(e.key, e.values) : t("receipt_not_file", { reason: e.message }));
  }
}

function groupText(k, members) {
  return t("quorum_group", { k, members });
}

// The witnesses' cosignatures on a checkpoint, judged against the manifest's
// witness policy (docs/protocol.md §11.4): one line per witness that signed,
// then whether the quorum is met. `id` prefixes the elements' ids.
function cosignatureLines(judged, id) {
  if (judged.none) return [el("p", { id: id + "-quorum", "data-quorum": "none" }, t("quorum_none"))];
  if (!judged.witnesses.some((w) => w.present) && id === "receipt")
    return [el("p", { id: id + "-quorum", "data-quorum": "not-met" }, t("receipt_not_yet_cosigned"))];
  const lines = judged.witnesses.filter((w) => w.present).map((w) =>
    el("li", { "data-witness": w.name, "data-valid": String(w.valid) }, (w.valid ? "✓ " : "✗ ") +
      t(w.valid ? "cosignature_valid" : "cosignature_invalid", { name: w.name, time: w.time ? new Date(w.time * 1000).toLocaleString(page.lang) : "" })));
  const summary = t(judged.met ? "quorum_met" : "quorum_not_met", {
    k: judged.valid.length, n: judged.total, names: judged.valid.join(", ") || "—", quorum: judged.quorum,
  });
  return [el("ul", { id: id + "-cosignatures", class: "choices" }, ...lines),
    el("p", { id: id + "-quorum", "data-quorum": judged.met ? "met" : "not-met", class: judged.met ? "" : "refused" },
      (judged.met ? "✓ " : "✗ ") + summary + (judged.met ? "" : " " + t("quorum_not_met_means")))];
}

// docs/protocol.md §11.3–§11.4: a receipt's checkpoint is rarely cosigned (the
// board signs it as the ballot is admitted; witnesses cosign later). So the
// page also reads this site's latest checkpoint, and its witnessed one, and
// proves the receipt's entry in the one that meets the quorum, from the
// tiles: the witnesses then vouch for a log that holds this ballot.
async function witnessedCover(shown) {
  const origin = page.election.log_origin;
  const key = hexBytes(page.election.board_key);
  const policy = page.election.manifest.witness_policy || "";
  let best = null;
  for (const path of ["checkpoint", "v1/witnessed-checkpoint"]) {
    let note;
    try {
      const response = await fetch(path, { cache: "no-store" });
      if (!response.ok) continue;
      note = await response.text();
    } catch (e) {
      continue;
    }
    let checkpoint;
    try {
      checkpoint = await SenimReceipt.verifyCheckpoint(note, origin, key);
    } catch (e) {
      continue;
    }
    if (checkpoint.size <= shown.index) continue;
    const judged = await SenimReceipt.judgeCosignatures(checkpoint, policy, groupText);
    if (!best || (judged.met && !best.judged.met)) best = { checkpoint, judged };
    if (judged.met) break;
  }
  if (!best) return [el("p", { id: "witnessed-quorum", "data-quorum": "none-found", class: "refused" }, t("witnessed_none"))];
  try {
    const proven = await SenimReceipt.proveEntry(shown.index, best.checkpoint);
    if (!SenimReceipt.equal(proven.entry, shown.entry))
      return [el("p", { id: "witnessed-quorum", "data-quorum": "wrong-entry", class: "refused", role: "alert" },
        "✗ " + t("witnessed_wrong_entry", { index: number(shown.index) }))];
  } catch (e) {
    return [el("p", { id: "witnessed-quorum", "data-quorum": "unproven", class: "refused" },
      "✗ " + t("proof_failed", { reason: e.key ? t(e.key, e.values) : e.message }))];
  }
  return [el("p", {}, t("witnessed_holds", { index: number(shown.index), size: number(best.checkpoint.size) })),
    ...cosignatureLines(best.judged, "witnessed")];
}

// --- loading and polling -------------------------------------------------------------

function renderTexts() {
  document.documentElement.lang = page.lang;
  $("lang").value = page.lang;
  for (const node of document.querySelectorAll("[data-msg]")) node.textContent = t(node.dataset.msg);
  renderElection();
  renderLive();
  renderResult();
}

async function refresh() {
  const turnout = await getJson("v1/turnout");
  if (turnout.ok) page.turnout = turnout.body;
  else if (turnout.unreachable) notice(t("unreachable", { reason: turnout.reason }));
  else notice(t("missing", { what: t("what_turnout") }));
  if (!page.election || (page.turnout && page.turnout.phase !== page.election.phase)) await loadElection();
  if (!page.result && page.election && page.election.phase === "finished") {
    const result = await getJson("v1/result");
    if (result.ok) page.result = result.body;
    else notice(t("missing", { what: t("what_result") }));
  }
  renderLive();
  renderResult();
  if (page.election) await loadCheckpoint();
}

async function loadElection() {
  const election = await getJson("v1/manifest");
  if (election.ok) {
    page.election = election.body;
    renderElection();
  } else if (election.unreachable) {
    notice(t("unreachable", { reason: election.reason }));
  } else if (election.body && election.body.message) {
    fill("title", election.body.message);
  } else {
    notice(t("missing", { what: t("what_manifest") }));
  }
}

async function start() {
  try {
    page.messages = await (await fetch("web/messages.json")).json();
  } catch (e) {
    page.messages = {};
  }
  page.lang = chooseLanguage();
  renderTexts();
  $("lang").addEventListener("change", () => {
    page.lang = $("lang").value;
    try { localStorage.setItem("senim-lang", page.lang); } catch (e) { /* storage may be off */ }
    renderTexts();
    loadCheckpoint();
  });
  $("search-form").addEventListener("submit", search);
  $("receipt-file").addEventListener("change", (e) => checkReceipt(e.target.files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    checkReceipt(e.dataTransfer.files[0]);
  });
  await loadElection();
  await refresh();
  document.body.dataset.ready = "true";
  setInterval(refresh, POLL_MS);
}

start();
