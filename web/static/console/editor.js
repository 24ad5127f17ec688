// The newsroom (EDITOR): drafts by status, the editor with a live preview and its [[ … ]] slots, revisions,
// quote requests, status, the Word file and roundups.
import { useEffect, useState } from "../vendor/preact/hooks.module.js";
import {
  ErrorSummary, Loading, Notice, PageTitle, Select, Tag, TextInput, errorFor, formatDate, gql, hasField, html,
  label, navigate, PRESS_STATUSES, problems, useQuery,
} from "./ui.js";

export const NAV = [["/", "Redaksi"], ["/rekap", "Buat rekap"]];
const enc = encodeURIComponent;

export function route(path) {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "rilis" && parts[1]) return () => html`<${Editor} id=${parts[1]} />`;
  if (parts[0] === "rekap") return () => html`<${Roundup} />`;
  return () => html`<${Newsroom} />`;
}

function Newsroom() {
  const [status, setStatus] = useState("DRAFT");
  const [data, error] = useQuery(() => gql(`query($s: PressReleaseStatus) {
    pressReleases(filter: {status: $s}, first: 100) { totalCount edges { node { id title status version updatedAt
      needsReviewReason achievement { title institution { name } } } } } }`, { s: status }), [status]);
  return html`<${PageTitle}>Redaksi<//>
    <div class="tabs" role="tablist" aria-label="Status berita">${PRESS_STATUSES.map(([s, l]) => html`<button type="button"
      role="tab" aria-selected=${status === s} aria-controls="tab-panel" id=${"tab-" + s}
      class=${"tab" + (status === s ? " tab--on" : "")} onClick=${() => setStatus(s)}>${l}</button>`)}</div>
    <section id="tab-panel" role="tabpanel" aria-labelledby=${"tab-" + status}>
    ${!data ? html`<${Loading} error=${error} />` : data.pressReleases.edges.length === 0
      ? html`<p>Tidak ada berita berstatus ${label(PRESS_STATUSES, status).toLowerCase()}.</p>`
      : html`<ul class="list">${data.pressReleases.edges.map(({ node: r }) => html`<li class="list-item">
        <a href=${"#/rilis/" + enc(r.id)}>${r.title}</a>
        <span class="meta">${r.achievement ? `Dari prestasi: ${r.achievement.title} (${r.achievement.institution.name})` : "Rekap beberapa prestasi"}
          · versi ${r.version} · ${formatDate(r.updatedAt)}</span>
        ${r.needsReviewReason && html`<p class="reason"><strong>Perlu ditinjau:</strong> ${r.needsReviewReason}</p>`}</li>`)}</ul>`}
    </section>`;
}

const SLOT = /\[\[[^\]]*\]\]/g;
export const countSlots = (text) => (text.match(SLOT) || []).length;

/** Text with [[ … ]] slots as <mark>, and **bold**, built as nodes (never as HTML). */
function inline(text) {
  const out = [];
  const re = /(\[\[[^\]]*\]\]|\*\*[^*]+\*\*)/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(m[0].startsWith("[[") ? html`<mark class="slot">${m[0]}</mark>` : html`<strong>${m[0].slice(2, -2)}</strong>`);
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

function Preview({ title, body }) {
  const blocks = body.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
  return html`<article class="preview" aria-label="Pratinjau">
    <h2 class="preview-title">${inline(title)}</h2>
    ${blocks.map((b) => {
      const h = b.match(/^(#{1,3})\s+(.*)$/s);
      if (h) return html`<h3>${inline(h[2])}</h3>`;
      if (/^[-*] /.test(b)) return html`<ul>${b.split("\n").map((l) => html`<li>${inline(l.replace(/^[-*] /, ""))}</li>`)}</ul>`;
      return html`<p>${b.split("\n").map((l, i) => html`${i > 0 && html`<br />`}${inline(l)}`)}</p>`;
    })}
  </article>`;
}

/** Line diff (longest common subsequence) of an older and a newer text. */
function diffLines(a, b) {
  const x = a.split("\n"), y = b.split("\n");
  const n = x.length, m = y.length;
  const t = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--)
    t[i][j] = x[i] === y[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push([" ", x[i]]); i++; j++; }
    else if (t[i + 1][j] >= t[i][j + 1]) out.push(["-", x[i++]]);
    else out.push(["+", y[j++]]);
  }
  while (i < n) out.push(["-", x[i++]]);
  while (j < m) out.push(["+", y[j++]]);
  return out;
}

function Diff({ older, newer }) {
  return html`<pre class="diff">${diffLines(older, newer).map(([k, l]) => html`<span class=${k === "+" ? "ins" : k === "-" ? "del" : "same"}>${k === "+" ? "+ " : k === "-" ? "− " : "  "}${l}\n</span>`)}</pre>`;
}

const RELEASE = `id title body status version template updatedAt needsReviewReason
  achievement { id title institution { name } }
  revisions { version title body createdAt editor { fullName username } }`;

const MOVES = { DRAFT: [["IN_REVIEW", "Kirim untuk ditinjau"], ["PUBLISHED", "Terbitkan"]],
  IN_REVIEW: [["DRAFT", "Kembalikan ke draf"], ["PUBLISHED", "Terbitkan"]], PUBLISHED: [["ARCHIVED", "Arsipkan"]],
  ARCHIVED: [["DRAFT", "Jadikan draf lagi"]] };

function Editor({ id }) {
  const [data, error, reload] = useQuery(() => gql(`query($id: ID!) { node(id: $id) { ... on PressRelease { ${RELEASE} } } }`, { id }), [id]);
  const [f, setF] = useState(null);
  const [errors, setErrors] = useState([]);
  const [notice, setNotice] = useState(null);
  const [conflict, setConflict] = useState(null);
  const [diffOf, setDiffOf] = useState(null);
  useEffect(() => {
    if (data && data.node) setF({ title: data.node.title, body: data.node.body, version: data.node.version });
  }, [data]);
  if (!data || !f) return html`<${PageTitle}>Berita<//><${Loading} error=${error} />`;
  const r = data.node;
  const slots = countSlots(f.title) + countSlots(f.body);
  const dirty = f.title !== r.title || f.body !== r.body;
  async function save(e) {
    if (e) e.preventDefault();
    try {
      const p = (await gql(`mutation($id: ID!, $v: Int!, $input: PressReleaseInput!) { updatePressRelease(id: $id,
        expectedVersion: $v, input: $input) { pressRelease { version } errors { field code message } } }`,
      { id, v: f.version, input: { title: f.title, body: f.body } })).updatePressRelease;
      if (p.errors.length) {
        if (p.errors[0].code === "VERSION_CONFLICT") {
          const now = (await gql(`query($id: ID!) { node(id: $id) { ... on PressRelease { ${RELEASE} } } }`, { id })).node;
          const who = now.revisions.length && now.revisions[0].editor ? now.revisions[0].editor.fullName : "editor lain";
          setConflict({ who, theirs: now });
          setErrors([{ field: null, message: `Berita ini sudah disimpan lebih dulu oleh ${who} (versi ${now.version}). Lihat teks mereka di bawah sebelum menyimpan.` }]);
        } else setErrors(p.errors);
        return;
      }
      setErrors([]); setConflict(null); setNotice(`Tersimpan sebagai versi ${p.pressRelease.version}.`);
      setF({ ...f, version: p.pressRelease.version }); reload();
    } catch (err) { setErrors(problems(err)); }
  }
  async function move(status) {
    if (dirty) { setErrors([{ field: null, message: "Simpan perubahan dulu sebelum mengubah status." }]); return; }
    try {
      const p = (await gql(`mutation($id: ID!, $s: PressReleaseStatus!) { setPressReleaseStatus(id: $id, status: $s) {
        pressRelease { status } errors { field code message } } }`, { id, s: status })).setPressReleaseStatus;
      if (p.errors.length) setErrors(p.errors.map((e) => ({ ...e, field: e.field === "body" || e.field === "title" ? e.field : null })));
      else { setErrors([]); setNotice(`Status sekarang: ${label(PRESS_STATUSES, p.pressRelease.status)}.`); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  return html`<${ErrorSummary} errors=${errors} />
    ${notice && html`<${Notice} kind="success">${notice}<//>`}
    <${PageTitle} caption=${r.achievement ? "Dari prestasi: " + r.achievement.title : "Rekap"}>Sunting berita<//>
    <p><${Tag} status=${r.status} pairs=${PRESS_STATUSES} /> · versi ${r.version} · templat ${r.template}</p>
    ${r.needsReviewReason && html`<${Notice} kind="warning"><strong>Perlu ditinjau:</strong> ${r.needsReviewReason}<//>`}
    ${conflict && html`<section class="notice notice--warning" aria-labelledby="h-conflict"><h2 id="h-conflict">Teks ${conflict.who} (versi ${conflict.theirs.version})</h2>
      <${Diff} older=${f.body} newer=${conflict.theirs.body} />
      <button class="button button--secondary" type="button" onClick=${() => { setF({ title: conflict.theirs.title, body: conflict.theirs.body, version: conflict.theirs.version }); setConflict(null); setErrors([]); reload(); }}>Pakai teks mereka</button>
      <button class="button button--secondary" type="button" onClick=${() => { setF({ ...f, version: conflict.theirs.version }); setConflict(null); setErrors([]); }}>Tetap pakai teks saya</button>
    </section>`}
    <div class="split">
      <form class="split-main form" onSubmit=${save} novalidate>
        <${TextInput} id="title" label="Judul" value=${f.title} onInput=${(v) => setF({ ...f, title: v })} error=${errorFor(errors, "title")} />
        <${TextInput} id="body" label="Isi berita (Markdown)" multiline rows="18" value=${f.body}
          hint="Bagian bertanda [[ … ]] harus diisi sebelum berita diterbitkan." onInput=${(v) => setF({ ...f, body: v })}
          error=${errorFor(errors, "body")} />
        <p class=${"slot-count" + (slots ? " slot-count--open" : "")} role="status" id="slot-count">${slots
          ? `${slots} isian [[ … ]] belum diisi` : "Semua isian sudah diisi"}</p>
        <button class="button" type="submit" disabled=${!dirty}>Simpan</button>
      </form>
      <section class="split-side" aria-labelledby="h-preview"><h2 id="h-preview">Pratinjau</h2><${Preview} title=${f.title} body=${f.body} /></section>
    </div>
    <section aria-labelledby="h-status"><h2 id="h-status">Status dan unduhan</h2>
      <div class="button-group">${(MOVES[r.status] || []).map(([s, l]) => html`<button class=${"button" + (s === "PUBLISHED" ? "" : " button--secondary")} type="button" onClick=${() => move(s)}>${l}</button>`)}
      <a class="button button--secondary" href=${"/press-releases/" + enc(r.id) + ".docx"} download>Unduh Word (.docx)</a></div>
    </section>
    <${QuoteRequest} release=${r} />
    <section aria-labelledby="h-rev"><h2 id="h-rev">Riwayat revisi</h2>
      ${r.revisions.length === 0 ? html`<p>Belum ada revisi.</p>` : html`<ol class="list">${r.revisions.map((v, i) => {
        const newer = i === 0 ? r.body : r.revisions[i - 1].body;
        return html`<li class="list-item"><span>Versi ${v.version}, diganti ${formatDate(v.createdAt)} oleh ${v.editor ? v.editor.fullName : "sistem"}</span>
          <button class="button button--secondary button--small" type="button" aria-expanded=${diffOf === v.version}
            onClick=${() => setDiffOf(diffOf === v.version ? null : v.version)}>${diffOf === v.version ? "Tutup perbedaan" : "Lihat perbedaan"}</button>
          ${diffOf === v.version && html`<${Diff} older=${v.body} newer=${newer} />`}</li>`;
      })}</ol>`}
    </section>
    <p><a href="#/">Kembali ke redaksi</a></p>`;
}

function QuoteRequest({ release }) {
  const [available, setAvailable] = useState(null);
  const [f, setF] = useState({ recipientName: "", recipientPosition: "" });
  const [errors, setErrors] = useState([]);
  const [made, setMade] = useState(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => { hasField("Mutation", "requestQuote").then(setAvailable); }, []);
  if (available === null) return null;
  async function ask(e) {
    e.preventDefault();
    const missing = [];
    if (!f.recipientName.trim()) missing.push({ field: "recipientName", message: "Tulis nama orang yang dimintai kutipan." });
    if (!f.recipientPosition.trim()) missing.push({ field: "recipientPosition", message: "Tulis jabatannya." });
    if (missing.length) { setErrors(missing); return; }
    try {
      const p = (await gql(`mutation($id: ID!, $input: QuoteRequestInput!) { requestQuote(pressReleaseId: $id, input: $input) {
        quoteRequest { id url expiresAt } errors { field code message } } }`, { id: release.id, input: f })).requestQuote;
      if (p.errors.length) setErrors(p.errors); else { setErrors([]); setMade(p.quoteRequest); }
    } catch (err) { setErrors(problems(err)); }
  }
  const link = made && made.url && new URL(made.url, window.location.origin).href;
  const message = link && `Yth. ${f.recipientName}, mohon kutipan Bapak/Ibu untuk berita "${release.title}": ${link}`;
  return html`<section aria-labelledby="h-quote"><h2 id="h-quote">Minta kutipan</h2>
    ${!available ? html`<p>Permintaan kutipan belum tersedia di server ini.</p>` : made ? html`
      <${Notice} kind="success">Tautan dibuat, berlaku sampai ${formatDate(made.expiresAt)}. Tautan hanya ditampilkan sekali: salin sekarang.<//>
      <div class="field"><label class="label" for="f-quoteLink">Tautan untuk ${f.recipientName}</label>
        <input class="input" id="f-quoteLink" readonly value=${link} onFocus=${(e) => e.currentTarget.select()} /></div>
      <div class="button-group">
        <button class="button button--secondary" type="button" onClick=${() => navigator.clipboard.writeText(link).then(() => setCopied(true))}>Salin tautan</button>
        <a class="button button--secondary" href=${"https://wa.me/?text=" + encodeURIComponent(message)} target="_blank" rel="noopener noreferrer">Bagikan ke WhatsApp</a>
      </div>${copied && html`<p role="status">Tautan disalin.</p>`}`
      : html`<form onSubmit=${ask} novalidate class="form">
        <${ErrorSummary} errors=${errors} />
        <${TextInput} id="recipientName" label="Nama" value=${f.recipientName} onInput=${(v) => setF({ ...f, recipientName: v })} error=${errorFor(errors, "recipientName")} />
        <${TextInput} id="recipientPosition" label="Jabatan" hint="Contoh: Kepala SMP Negeri 1 Bobotsari" value=${f.recipientPosition}
          onInput=${(v) => setF({ ...f, recipientPosition: v })} error=${errorFor(errors, "recipientPosition")} />
        <button class="button button--secondary" type="submit">Buat tautan permintaan kutipan</button></form>`}
  </section>`;
}

function Roundup() {
  const [ref] = useQuery(() => gql(`{ kecamatanList { id name } categories { id name } }`));
  const now = new Date();
  const first = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  const last = new Date(now.getFullYear(), now.getMonth(), 0);
  const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const [f, setF] = useState({ dateFrom: iso(first), dateTo: iso(last), kecamatanId: "", categoryId: "" });
  const [errors, setErrors] = useState([]);
  async function make(e) {
    e.preventDefault();
    try {
      const p = (await gql(`mutation($input: RoundupInput!) { generateRoundup(input: $input) { pressRelease { id }
        errors { field code message } } }`, { input: { dateFrom: f.dateFrom, dateTo: f.dateTo,
        kecamatanId: f.kecamatanId || null, categoryId: f.categoryId || null } })).generateRoundup;
      if (p.errors.length) setErrors(p.errors); else navigate("/rilis/" + enc(p.pressRelease.id));
    } catch (err) { setErrors(problems(err)); }
  }
  if (!ref) return html`<${PageTitle}>Buat rekap<//><${Loading} />`;
  const set = (k) => (v) => setF({ ...f, [k]: v });
  return html`<${ErrorSummary} errors=${errors} /><${PageTitle}>Buat rekap prestasi<//>
    <p>Satu draf berita yang merangkum prestasi terverifikasi dalam satu periode.</p>
    <form onSubmit=${make} novalidate class="form">
      <${TextInput} id="dateFrom" label="Dari tanggal" type="date" width="10" value=${f.dateFrom} onInput=${set("dateFrom")} error=${errorFor(errors, "dateFrom")} />
      <${TextInput} id="dateTo" label="Sampai tanggal" type="date" width="10" value=${f.dateTo} onInput=${set("dateTo")} error=${errorFor(errors, "dateTo")} />
      <${Select} id="kecamatanId" label="Kecamatan (tidak wajib)" value=${f.kecamatanId} onChange=${set("kecamatanId")} empty="Semua kecamatan"
        options=${ref.kecamatanList.map((k) => [k.id, k.name])} error=${errorFor(errors, "kecamatanId")} />
      <${Select} id="categoryId" label="Kategori (tidak wajib)" value=${f.categoryId} onChange=${set("categoryId")} empty="Semua kategori"
        options=${ref.categories.map((c) => [c.id, c.name])} error=${errorFor(errors, "categoryId")} />
      <button class="button" type="submit">Buat draf rekap</button>
    </form>`;
}
