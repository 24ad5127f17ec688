// Shared pieces of the console: the GraphQL client (session cookie + CSRF header), labels, form fields.
import { h } from "../vendor/preact/preact.module.js";
import { useEffect, useRef, useState } from "../vendor/preact/hooks.module.js";
import htm from "../vendor/htm/htm.module.js";

export const html = htm.bind(h);

export class ApiError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

const listeners = new Set();
export function onSessionExpired(fn) { listeners.add(fn); }

function check(json) {
  if (json.errors && json.errors.length) {
    const e = json.errors[0];
    const code = (e.extensions && e.extensions.code) || "ERROR";
    if (code === "UNAUTHENTICATED") listeners.forEach((fn) => fn());
    throw new ApiError(e.message, code);
  }
  return json.data;
}

/** One GraphQL operation with the session cookie; the X-Juara-CSRF header lets the cookie count. */
export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json", "x-juara-csrf": "1" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (_) {
    throw new ApiError("Tidak dapat menghubungi server. Periksa sambungan internet, lalu coba lagi.", "NETWORK");
  }
  let json;
  try { json = await response.json(); } catch (_) {
    throw new ApiError(`Server menjawab dengan galat ${response.status}. Coba lagi.`, "HTTP");
  }
  return check(json);
}

/** A GraphQL multipart request (one file at variables[fileVar]), with upload progress (0..1). */
export function gqlUpload(query, variables, path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    body.append("operations", JSON.stringify({ query, variables }));
    body.append("map", JSON.stringify({ 0: [`variables.${path}`] }));
    body.append("0", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/graphql");
    xhr.setRequestHeader("x-juara-csrf", "1");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError("Unggahan terputus. Periksa sambungan, lalu coba lagi.", "NETWORK"));
    xhr.onload = () => {
      let json;
      try { json = JSON.parse(xhr.responseText); } catch (_) {
        reject(new ApiError(`Server menjawab dengan galat ${xhr.status}. Coba lagi.`, "HTTP")); return;
      }
      try { resolve(check(json)); } catch (e) { reject(e); }
    };
    xhr.send(body);
  });
}

let schemaFields = null;
/** Whether the server offers a field (the quote requests and initials of a later release); with
 * introspection switched off (JUARA_INTROSPECTION=0) the answer is no and those parts stay hidden. */
export async function hasField(typeName, field) {
  if (!schemaFields) {
    schemaFields = gql(`{ a: __type(name: "CreatePersonInput") { inputFields { name } }
      b: __type(name: "Mutation") { fields { name } } c: __type(name: "User") { fields { name } }
      d: __type(name: "Person") { fields { name } } }`).then((d) => ({
      CreatePersonInput: (d.a ? d.a.inputFields : []).map((f) => f.name),
      Mutation: (d.b ? d.b.fields : []).map((f) => f.name),
      User: (d.c ? d.c.fields : []).map((f) => f.name),
      Person: (d.d ? d.d.fields : []).map((f) => f.name),
    })).catch(() => ({ CreatePersonInput: [], Mutation: [], User: [], Person: [] }));
  }
  const f = await schemaFields;
  return (f[typeName] || []).includes(field);
}

export const LEVELS = [["DESA", "Desa"], ["KECAMATAN", "Kecamatan"], ["KABUPATEN", "Kabupaten"],
  ["KARESIDENAN", "Karesidenan"], ["PROVINSI", "Provinsi"], ["NASIONAL", "Nasional"],
  ["INTERNASIONAL", "Internasional"]];
export const RANKS = [["JUARA_1", "Juara 1"], ["JUARA_2", "Juara 2"], ["JUARA_3", "Juara 3"],
  ["JUARA_HARAPAN_1", "Juara Harapan 1"], ["JUARA_HARAPAN_2", "Juara Harapan 2"],
  ["JUARA_HARAPAN_3", "Juara Harapan 3"], ["MEDALI_EMAS", "Medali Emas"], ["MEDALI_PERAK", "Medali Perak"],
  ["MEDALI_PERUNGGU", "Medali Perunggu"], ["FINALIS", "Finalis"], ["PENGHARGAAN", "Penghargaan"]];
export const STATUSES = [["DRAFT", "Draf"], ["SUBMITTED", "Diajukan"], ["VERIFIED", "Terverifikasi"],
  ["REJECTED", "Ditolak"]];
export const PRESS_STATUSES = [["DRAFT", "Draf"], ["IN_REVIEW", "Ditinjau"], ["PUBLISHED", "Terbit"],
  ["ARCHIVED", "Diarsipkan"]];
export const ROLES = [["CONTRIBUTOR", "Operator instansi"], ["VERIFIER", "Verifikator"],
  ["EDITOR", "Editor IKP"], ["ADMIN", "Administrator"]];
export const PERSON_ROLES = [["SISWA", "Siswa"], ["MAHASISWA", "Mahasiswa"], ["GURU", "Guru atau dosen"],
  ["PEGAWAI", "Pegawai"], ["ATLET", "Atlet"], ["WARGA", "Warga"], ["LAINNYA", "Lainnya"]];
export const INSTITUTION_KINDS = [["SEKOLAH", "Sekolah"], ["PEMERINTAH_DESA", "Pemerintah desa"],
  ["KELURAHAN", "Kelurahan"], ["KECAMATAN", "Kecamatan"], ["PERANGKAT_DAERAH", "Perangkat daerah"],
  ["PUSKESMAS", "Puskesmas"], ["BUMD", "BUMD"], ["ORGANISASI", "Organisasi"],
  ["DUNIA_USAHA", "Dunia usaha"], ["LAINNYA", "Lainnya"]];

export const label = (pairs, key) => (pairs.find((p) => p[0] === key) || [key, key])[1];

export function formatDate(iso) {
  if (!iso) return "";
  const d = new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
  return d.toLocaleDateString("id-ID", { day: "numeric", month: "long", year: "numeric" });
}

export function formatBytes(n) {
  if (n == null) return "";
  return n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} kB` : `${(n / 1048576).toFixed(1)} MB`;
}

export const fieldId = (field) => `f-${field}`;

/** GOV.UK's error summary: a list of the problems, each a link that moves to its field. */
export function ErrorSummary({ errors }) {
  const ref = useRef(null);
  const shown = useRef(0);
  useEffect(() => {
    // Focus on a new list of problems (a submit), not when a list shrinks because a field was corrected.
    const n = errors ? errors.length : 0;
    if (n && n >= shown.current && ref.current) ref.current.focus();
    shown.current = n;
  }, [errors]);
  if (!errors || !errors.length) return null;
  const go = (e, field) => {
    e.preventDefault();
    const el = document.getElementById(fieldId(field));
    if (el) { el.scrollIntoView({ block: "center" }); el.focus(); }
  };
  return html`<div class="error-summary" role="alert" tabindex="-1" ref=${ref}>
    <h2>Ada masalah</h2>
    <ul>${errors.map((e) => html`<li>${e.field
      ? html`<a href=${"#" + fieldId(e.field)} onClick=${(ev) => go(ev, e.field)}>${e.message}</a>`
      : e.message}</li>`)}</ul>
  </div>`;
}

export const errorFor = (errors, ...fields) => (errors || []).find((e) => fields.includes(e.field));

export function Field({ id, label: text, hint, error, children }) {
  return html`<div class=${"field" + (error ? " field--error" : "")}>
    <label class="label" for=${fieldId(id)}>${text}</label>
    ${hint && html`<div class="hint" id=${fieldId(id) + "-hint"}>${hint}</div>`}
    ${error && html`<p class="error-message" id=${fieldId(id) + "-error"}><span class="visually-hidden">Galat:</span> ${error.message}</p>`}
    ${children}
  </div>`;
}

function described(id, hint, error) {
  const ids = [hint && fieldId(id) + "-hint", error && fieldId(id) + "-error"].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export function TextInput({ id, label: text, hint, error, value, onInput, type = "text", autocomplete, width,
  required, multiline, rows = 5, inputmode }) {
  const props = {
    id: fieldId(id), name: id, value: value == null ? "" : value, "aria-describedby": described(id, hint, error),
    "aria-invalid": error ? "true" : undefined, onInput: (e) => onInput(e.currentTarget.value), required,
    autocomplete, inputmode,
  };
  return html`<${Field} id=${id} label=${text} hint=${hint} error=${error}>
    ${multiline ? html`<textarea class="input" rows=${rows} ...${props}></textarea>`
      : html`<input class=${"input" + (width ? " input--" + width : "")} type=${type} ...${props} />`}
  <//>`;
}

export function Select({ id, label: text, hint, error, value, onChange, options, empty }) {
  return html`<${Field} id=${id} label=${text} hint=${hint} error=${error}>
    <select class="select" id=${fieldId(id)} name=${id} aria-describedby=${described(id, hint, error)}
      aria-invalid=${error ? "true" : undefined}
      onChange=${(e) => onChange(e.currentTarget.value)}>
      ${empty != null && html`<option value="" selected=${!value}>${empty}</option>`}
      ${options.map(([v, l]) => html`<option value=${v} selected=${v === value}>${l}</option>`)}
    </select>
  <//>`;
}

export function Checkbox({ id, label: text, checked, onChange, hint }) {
  return html`<div class="checkbox">
    <input type="checkbox" id=${fieldId(id)} name=${id} checked=${checked}
      onChange=${(e) => onChange(e.currentTarget.checked)} aria-describedby=${hint ? fieldId(id) + "-hint" : undefined} />
    <label for=${fieldId(id)}>${text}</label>
    ${hint && html`<div class="hint" id=${fieldId(id) + "-hint"}>${hint}</div>`}
  </div>`;
}

export function Radios({ id, legend, value, onChange, options, error, hint }) {
  return html`<fieldset class=${"fieldset" + (error ? " field--error" : "")} id=${fieldId(id)} tabindex="-1">
    <legend class="label">${legend}</legend>
    ${hint && html`<div class="hint">${hint}</div>`}
    ${error && html`<p class="error-message">${error.message}</p>`}
    ${options.map(([v, l]) => html`<div class="radio">
      <input type="radio" id=${fieldId(id) + "-" + v} name=${id} value=${v} checked=${value === v}
        onChange=${() => onChange(v)} />
      <label for=${fieldId(id) + "-" + v}>${l}</label></div>`)}
  </fieldset>`;
}

/** The title of a screen: focused after navigation, so keyboard and screen-reader users start there. */
export function PageTitle({ children, caption }) {
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.focus({ preventScroll: false }); }, []);
  return html`${caption && html`<span class="caption">${caption}</span>`}
    <h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}

export function Notice({ kind = "info", children }) {
  return html`<div class=${"notice notice--" + kind} role=${kind === "success" ? "status" : undefined}>${children}</div>`;
}

export function Tag({ status, pairs = STATUSES }) {
  return html`<strong class=${"tag tag--" + status.toLowerCase()}>${label(pairs, status)}</strong>`;
}

/** Data fetched on mount and whenever `deps` change: [data, error, reload]. */
export function useQuery(fn, deps = []) {
  const [state, setState] = useState({ data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    fn().then((data) => live && setState({ data, error: null }),
      (error) => live && setState({ data: null, error }));
    return () => { live = false; };
  }, [...deps, tick]);
  return [state.data, state.error, () => setTick((t) => t + 1)];
}

export function Loading({ error }) {
  if (error) return html`<${Notice} kind="error">${error.message}<//>`;
  return html`<p class="loading" role="status">Memuat…</p>`;
}

/** Payload errors ([{field, code, message}]) or a thrown ApiError, as the error summary's list. */
export function problems(errOrList) {
  if (Array.isArray(errOrList)) return errOrList;
  return [{ field: null, code: errOrList.code, message: errOrList.message }];
}

export const navigate = (path) => { window.location.hash = "#" + path; };

/** A list read a page at a time: `fetchPage(after)` answers a connection (edges, pageInfo, totalCount).
 * [{ items, total, hasMore, busy, error, extra }, loadMore, reload]; `extra` is the first answer itself. */
export function usePages(fetchPage, deps = []) {
  const [state, setState] = useState({ items: null, total: 0, cursor: null, hasMore: false, busy: false,
    error: null, extra: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    fetchPage(null).then(([conn, extra]) => live && setState({ items: conn.edges.map((e) => e.node),
      total: conn.totalCount, cursor: conn.pageInfo.endCursor, hasMore: conn.pageInfo.hasNextPage, busy: false,
      error: null, extra }),
    (error) => live && setState((s) => ({ ...s, items: null, error })));
    return () => { live = false; };
  }, [...deps, tick]);
  async function loadMore() {
    setState((s) => ({ ...s, busy: true, error: null }));
    try {
      const [conn] = await fetchPage(state.cursor);
      setState((s) => ({ ...s, items: [...s.items, ...conn.edges.map((e) => e.node)], total: conn.totalCount,
        cursor: conn.pageInfo.endCursor, hasMore: conn.pageInfo.hasNextPage, busy: false }));
    } catch (error) { setState((s) => ({ ...s, busy: false, error })); }
  }
  return [state, loadMore, () => setTick((t) => t + 1)];
}

/** "Menampilkan N dari M" and the button for the next page; the count takes the focus when the last page
 * is in (the button is gone then), so a keyboard user is not left on nothing. */
export function MoreButton({ pages, onMore, noun }) {
  const status = useRef(null);
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current && !pages.busy && !pages.hasMore && status.current) status.current.focus();
  }, [pages.busy, pages.hasMore]);
  if (!pages.items) return null;
  return html`<div class="more">
    <p class="meta" role="status" tabindex="-1" ref=${status}>Menampilkan ${pages.items.length} dari ${pages.total} ${noun}.</p>
    ${pages.error && html`<${Notice} kind="error">${pages.error.message}<//>`}
    ${pages.hasMore && html`<button class="button button--secondary" type="button" aria-disabled=${pages.busy ? "true" : undefined}
      onClick=${() => { if (pages.busy) return; asked.current = true; onMore(); }}>${pages.busy ? "Memuat…" : "Muat lebih banyak"}</button>`}
  </div>`;
}
