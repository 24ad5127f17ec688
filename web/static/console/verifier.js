// The verifier's screens: the queue of submitted entries (oldest first), one entry beside its evidence.
import { useState } from "../vendor/preact/hooks.module.js";
import {
  ErrorSummary, Loading, MoreButton, Notice, PageTitle, Select, Tag, TextInput, errorFor, formatBytes, formatDate, gql,
  html, label, LEVELS, navigate, problems, RANKS, usePages, useQuery,
} from "./ui.js";

export const NAV = [["/", "Antrian verifikasi"]];
const enc = encodeURIComponent;

export function route(path) {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "prestasi" && parts[1]) return () => html`<${Entry} id=${parts[1]} />`;
  return () => html`<${Queue} />`;
}

const PAGE = 100;

function Queue() {
  // Oldest entries first, a page at a time: the server's order, so a further page only adds to the end.
  const [pages, more] = usePages(async (after) => [(await gql(`query($after: String) { achievements(filter: {status: SUBMITTED},
    orderBy: {field: CREATED_AT, direction: ASC}, first: ${PAGE}, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      edges { node { id title date submittedAt level institution { name } possibleDuplicates { reason } } } } }`,
    { after })).achievements]);
  if (!pages.items) return html`<${PageTitle}>Antrian verifikasi<//><${Loading} error=${pages.error} />`;
  const items = pages.items;
  return html`<${PageTitle}>Antrian verifikasi<//>
    <p>${pages.total} prestasi menunggu, yang paling lama dicatat di atas.</p>
    ${items.length === 0 ? html`<p>Tidak ada yang menunggu verifikasi.</p>` : html`<ol class="list">
      ${items.map((a) => html`<li class="list-item"><a href=${"#/prestasi/" + enc(a.id)}>${a.title}</a>
        <span class="meta">${a.institution.name} · ${label(LEVELS, a.level)} · diajukan ${formatDate(a.submittedAt)}</span>
        ${a.possibleDuplicates.length > 0 && html`<strong class="tag tag--rejected">Mungkin duplikat</strong>`}</li>`)}
    </ol>`}
    ${pages.total > PAGE && html`<${MoreButton} pages=${pages} onMore=${more} noun="prestasi" />`}`;
}

const FIELDS = [["Nama prestasi", (a) => a.title], ["Lomba", (a) => a.eventName], ["Penyelenggara", (a) => a.organizer],
  ["Tingkat", (a) => label(LEVELS, a.level)], ["Peringkat", (a) => a.rankLabel || label(RANKS, a.rank)],
  ["Kategori", (a) => a.category.name], ["Tanggal", (a) => formatDate(a.date)],
  ["Instansi", (a) => a.institution.name],
  ["Wilayah", (a) => [a.desa && a.desa.name, a.kecamatan ? "Kec. " + a.kecamatan.name : "Tingkat kabupaten"].filter(Boolean).join(", ")],
  ["Orang", (a) => a.persons.map((p) => p.name).join(", ") || "—"], ["Status", (a) => html`<${Tag} status=${a.status} />`]];

const ENTRY = `id title eventName organizer level rank rankLabel date location description status submittedAt
  rejectionReason category { name } institution { name } kecamatan { name } desa { name } persons { id name }
  evidence { id kind url fileName contentType size }`;

function EvidenceView({ evidence }) {
  if (!evidence.length) return html`<p>Tidak ada bukti.</p>`;
  return html`${evidence.map((e) => {
    const src = "/evidence/" + enc(e.id);
    if (e.kind === "URL") return html`<p><a href=${e.url} rel="noopener noreferrer" target="_blank">${e.url}</a></p>`;
    // Phones have no PDF viewer inside a page: there the PDF opens on its own (the frame is hidden by CSS).
    if (e.contentType === "application/pdf") return html`<figure class="evidence-view">
      <iframe class="pdf-frame" src=${src + "?inline=1"} title=${"Bukti PDF: " + e.fileName}></iframe>
      <a class="pdf-open button button--secondary" href=${src + "?inline=1"} target="_blank" rel="noopener">Buka PDF ${e.fileName}</a>
      <figcaption><a href=${src}>Unduh ${e.fileName}</a> · ${formatBytes(e.size)}</figcaption></figure>`;
    return html`<figure class="evidence-view"><img src=${src} alt=${"Bukti: " + e.fileName} />
      <figcaption><a href=${src}>Unduh ${e.fileName}</a> · ${formatBytes(e.size)}</figcaption></figure>`;
  })}`;
}

function Entry({ id }) {
  const [data, error, reload] = useQuery(() => gql(`query($id: ID!) { node(id: $id) { ... on Achievement { ${ENTRY}
    possibleDuplicates { reason score explanation achievement { ${ENTRY} } } } } }`, { id }), [id]);
  const [reason, setReason] = useState("");
  const [dup, setDup] = useState("");
  const [errors, setErrors] = useState([]);
  const [done, setDone] = useState(null);
  if (!data) return html`<${PageTitle}>Prestasi<//><${Loading} error=${error} />`;
  const a = data.node;
  if (!a) return html`<${PageTitle}>Prestasi tidak ditemukan<//><p><a href="#/">Kembali ke antrian</a></p>`;
  async function act(kind) {
    try {
      let p;
      if (kind === "verify") {
        p = (await gql(`mutation($id: ID!) { verifyAchievement(id: $id) { achievement { status } errors { field code message } } }`, { id })).verifyAchievement;
      } else {
        if (!reason.trim() && !dup) { setErrors([{ field: "reason", message: "Tulis alasan penolakan agar operator tahu apa yang harus diperbaiki." }]); return; }
        p = (await gql(`mutation($id: ID!, $reason: String!, $dup: ID) { rejectAchievement(id: $id, reason: $reason, duplicateOf: $dup) {
          achievement { status } errors { field code message } } }`, { id, reason: reason.trim(), dup: dup || null })).rejectAchievement;
      }
      if (p.errors.length) { setErrors(p.errors.map((e) => ({ ...e, field: e.field === "duplicateOf" ? "dup" : e.field }))); return; }
      setErrors([]); setDone(kind === "verify" ? "Prestasi terverifikasi; draf berita dibuat untuk redaksi." : "Prestasi ditolak; operator melihat alasannya.");
      reload();
    } catch (err) { setErrors(problems(err)); }
  }
  const dups = a.possibleDuplicates;
  return html`<${ErrorSummary} errors=${errors} />
    ${done && html`<${Notice} kind="success">${done} <a href="#/">Kembali ke antrian</a><//>`}
    <${PageTitle} caption=${a.institution.name}>${a.title}<//>
    <div class="split">
      <section class="split-main" aria-labelledby="h-data"><h2 id="h-data">Data yang diajukan</h2>
        <dl class="summary">${FIELDS.map(([k, fn]) => html`<div class="summary-row"><dt>${k}</dt><dd>${fn(a)}</dd></div>`)}</dl>
        ${a.description && html`<p>${a.description}</p>`}
      </section>
      <section class="split-side" aria-labelledby="h-bukti"><h2 id="h-bukti">Bukti</h2><${EvidenceView} evidence=${a.evidence} /></section>
    </div>
    ${dups.length > 0 && html`<section aria-labelledby="h-dup"><h2 id="h-dup">Mungkin duplikat (${dups.length})</h2>
      ${dups.map((d) => html`<div class="compare"><p><strong>${d.explanation}</strong> (kemiripan ${d.score}%)</p>
        <div class="table-wrap"><table class="table"><caption class="visually-hidden">Perbandingan dengan ${d.achievement.title}</caption>
        <thead><tr><th scope="col">Data</th><th scope="col">Entri ini</th><th scope="col">Entri lain (<${Tag} status=${d.achievement.status} />)</th></tr></thead>
        <tbody>${FIELDS.slice(0, 10).map(([k, fn]) => html`<tr class=${String(fn(a)) === String(fn(d.achievement)) ? "same" : ""}><th scope="row">${k}</th><td>${fn(a)}</td><td>${fn(d.achievement)}</td></tr>`)}</tbody>
        </table></div></div>`)}</section>`}
    ${a.status === "SUBMITTED" && html`<section aria-labelledby="h-act" class="actions"><h2 id="h-act">Keputusan</h2>
      <button class="button" type="button" onClick=${() => act("verify")}>Verifikasi</button>
      <h3>Tolak</h3>
      <${TextInput} id="reason" label="Alasan penolakan" multiline rows="3" value=${reason} onInput=${setReason}
        hint="Operator melihat alasan ini. Tulis apa yang harus diperbaiki." error=${errorFor(errors, "reason")} />
      ${dups.length > 0 && html`<${Select} id="dup" label="Duplikat dari (tidak wajib)" value=${dup} onChange=${setDup}
        empty="Bukan duplikat" options=${dups.map((d) => [d.achievement.id, `${d.achievement.title} (${d.achievement.institution.name})`])}
        error=${errorFor(errors, "dup")} />`}
      <button class="button button--warning" type="button" onClick=${() => act("reject")}>Tolak</button>
    </section>`}
    <p><a href="#/" onClick=${(e) => { e.preventDefault(); navigate("/"); }}>Kembali ke antrian</a></p>`;
}
