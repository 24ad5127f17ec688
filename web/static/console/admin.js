// The administrator's screens: users, institutions and their hierarchy, categories, the points table.
import { useEffect, useRef, useState } from "../vendor/preact/hooks.module.js";
import {
  ErrorSummary, Loading, MoreButton, Notice, PageTitle, Select, TextInput, errorFor, gql, hasField, html,
  INSTITUTION_KINDS, label, problems, ROLES, usePages, useQuery,
} from "./ui.js";

export const NAV = [["/", "Pengguna"], ["/instansi", "Instansi"], ["/kategori", "Kategori"], ["/poin", "Tabel poin"]];

export function route(path) {
  const first = path.split("/").filter(Boolean)[0];
  if (first === "instansi") return () => html`<${Institutions} />`;
  if (first === "kategori") return () => html`<${Categories} />`;
  if (first === "poin") return () => html`<${Points} />`;
  return (p) => html`<${Users} me=${p.me} />`;
}

async function institutionOptions() {
  const d = await gql(`{ institutions(first: 100) { edges { node { id name } } } }`);
  return d.institutions.edges.map((e) => [e.node.id, e.node.name]);
}

function Users({ me }) {
  const [data, error, reload] = useQuery(async () => {
    const initials = await hasField("User", "initials");
    const d = await gql(`{ users(first: 100) { totalCount edges { node { id username fullName role isActive
      ${initials ? "initials" : ""} institution { name } } } } }`);
    return { ...d, options: await institutionOptions() };
  });
  const empty = { username: "", fullName: "", password: "", role: "", institutionId: "" };
  const [f, setF] = useState(empty);
  const [errors, setErrors] = useState([]);
  const [notice, setNotice] = useState(null);
  const [resetFor, setResetFor] = useState(null);
  const [newPassword, setNewPassword] = useState("");
  const [editFor, setEditFor] = useState(null);
  const [edit, setEdit] = useState({ fullName: "", initials: "" });
  const editHeading = useRef(null);
  useEffect(() => { if (editFor && editHeading.current) editHeading.current.focus(); }, [editFor]);
  if (!data) return html`<${PageTitle}>Pengguna<//><${Loading} error=${error} />`;
  const set = (k) => (v) => setF({ ...f, [k]: v });
  async function create(e) {
    e.preventDefault();
    const missing = [];
    if (!f.username.trim()) missing.push({ field: "username", message: "Tulis nama pengguna." });
    if (!f.fullName.trim()) missing.push({ field: "fullName", message: "Tulis nama lengkap." });
    if (f.password.length < 10) missing.push({ field: "password", message: "Kata sandi paling sedikit 10 karakter." });
    if (!f.role) missing.push({ field: "role", message: "Pilih peran." });
    if (f.role === "CONTRIBUTOR" && !f.institutionId) missing.push({ field: "institutionId", message: "Pilih instansi operator ini." });
    if (missing.length) { setErrors(missing); return; }
    try {
      const p = (await gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { user { username }
        errors { field code message } } }`, { input: { ...f, institutionId: f.institutionId || null } })).createUser;
      if (p.errors.length) setErrors(p.errors);
      else { setErrors([]); setF(empty); setNotice(`Akun ${p.user.username} dibuat.`); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  async function toggle(u) {
    try {
      const p = (await gql(`mutation($id: ID!, $a: Boolean!) { setUserActive(id: $id, active: $a) { user { isActive }
        errors { field code message } } }`, { id: u.id, a: !u.isActive })).setUserActive;
      if (p.errors.length) setErrors(p.errors.map((x) => ({ ...x, field: null })));
      else { setNotice(`Akun ${u.username} ${p.user.isActive ? "diaktifkan" : "dinonaktifkan"}.`); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  async function reset(e) {
    e.preventDefault();
    try {
      const p = (await gql(`mutation($id: ID!, $pw: String!) { resetUserPassword(id: $id, input: {newPassword: $pw}) {
        user { username } errors { field code message } } }`, { id: resetFor.id, pw: newPassword })).resetUserPassword;
      if (p.errors.length) setErrors(p.errors.map((x) => ({ ...x, field: "newPassword" })));
      else { setErrors([]); setNotice(`Kata sandi ${p.user.username} diganti; sesi lamanya berakhir.`); setResetFor(null); setNewPassword(""); }
    } catch (err) { setErrors(problems(err)); }
  }
  function openEdit(u) {
    setResetFor(null); setErrors([]); setNotice(null);
    setEditFor(u); setEdit({ fullName: u.fullName, initials: u.initials || "" });
  }
  function closeEdit() {
    const back = editFor && document.getElementById("edit-" + editFor.username);
    setEditFor(null); setErrors([]);
    if (back) back.focus();
  }
  async function saveEdit(e) {
    e.preventDefault();
    // Only what was changed is sent: initials left as shown keep following the name when they did.
    const input = {};
    if (edit.fullName.trim() !== editFor.fullName) input.fullName = edit.fullName;
    if (edit.initials.trim().toUpperCase() !== (editFor.initials || "")) input.initials = edit.initials.trim() || null;
    if (input.fullName != null && !input.fullName.trim()) { setErrors([{ field: "editFullName", message: "Tulis nama lengkap." }]); return; }
    if (!Object.keys(input).length) { setNotice(`Tidak ada yang diubah pada akun ${editFor.username}.`); closeEdit(); return; }
    try {
      const p = (await gql(`mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) {
        user { username fullName initials } errors { field code message } } }`, { id: editFor.id, input })).updateUser;
      if (p.errors.length) setErrors(p.errors.map((x) => ({ ...x, field: { fullName: "editFullName", initials: "editInitials" }[x.field] || null })));
      else { setNotice(`Akun ${p.user.username} diubah: ${p.user.fullName}, inisial ${p.user.initials}.`); closeEdit(); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  const users = data.users.edges.map((e) => e.node);
  return html`<${ErrorSummary} errors=${errors} />
    ${notice && html`<${Notice} kind="success">${notice}<//>`}
    <${PageTitle}>Pengguna<//>
    <div class="table-wrap"><table class="table"><caption class="visually-hidden">Semua akun</caption>
      <thead><tr><th scope="col">Nama</th><th scope="col" class="hide-narrow">Peran</th><th scope="col" class="hide-narrow">Status</th><th scope="col">Tindakan</th></tr></thead>
      <tbody>${users.map((u) => html`<tr><td><strong>${u.fullName}</strong><br /><span class="meta">${u.username}${u.initials ? " · " + u.initials : ""}${u.institution ? " · " + u.institution.name : ""}</span>
        <span class="meta show-narrow"><br />${label(ROLES, u.role)} · ${u.isActive ? "Aktif" : "Nonaktif"}</span></td>
        <td class="hide-narrow">${label(ROLES, u.role)}</td><td class="hide-narrow">${u.isActive ? "Aktif" : "Nonaktif"}</td>
        <td class="actions-cell"><button class="button button--secondary button--small" type="button" id=${"edit-" + u.username}
          aria-expanded=${editFor && editFor.id === u.id ? "true" : "false"} onClick=${() => openEdit(u)}>Ubah<span class="visually-hidden"> ${u.username}</span></button>
          ${u.username !== me.username && html`<button class="button button--secondary button--small" type="button" onClick=${() => toggle(u)}>
          ${u.isActive ? "Nonaktifkan" : "Aktifkan"}<span class="visually-hidden"> ${u.username}</span></button>`}
          <button class="button button--secondary button--small" type="button" onClick=${() => { setEditFor(null); setResetFor(u); setNewPassword(""); }}>Ganti kata sandi<span class="visually-hidden"> ${u.username}</span></button></td></tr>`)}</tbody>
    </table></div>
    ${resetFor && html`<form class="form subform" onSubmit=${reset} novalidate><h2>Kata sandi baru untuk ${resetFor.username}</h2>
      <${TextInput} id="newPassword" label="Kata sandi baru" hint="Paling sedikit 10 karakter. Sampaikan kepada pemilik akun secara langsung."
        type="password" autocomplete="new-password" value=${newPassword} onInput=${setNewPassword} error=${errorFor(errors, "newPassword")} />
      <button class="button" type="submit">Simpan kata sandi</button> <button class="button button--secondary" type="button" onClick=${() => setResetFor(null)}>Batal</button></form>`}
    ${editFor && html`<form class="form subform" onSubmit=${saveEdit} novalidate aria-labelledby="h-edit">
      <h2 id="h-edit" tabindex="-1" ref=${editHeading}>Ubah akun ${editFor.username}</h2>
      <p class="meta">${label(ROLES, editFor.role)}${editFor.institution ? " · " + editFor.institution.name : ""}. Peran dan instansi tidak dapat diubah; bila perlu, nonaktifkan akun ini dan buat akun baru.</p>
      <${TextInput} id="editFullName" label="Nama lengkap" value=${edit.fullName} onInput=${(v) => setEdit({ ...edit, fullName: v })}
        error=${errorFor(errors, "editFullName")} autocomplete="off" />
      <${TextInput} id="editInitials" label="Inisial untuk byline berita" width="4" autocomplete="off"
        hint="2 sampai 4 huruf kapital, misalnya LPU. Kosongkan agar diambil dari nama lengkap. Berita yang dibuat sesudah ini memakai inisial baru; berita yang sudah ditulis tidak berubah."
        value=${edit.initials} onInput=${(v) => setEdit({ ...edit, initials: v })} error=${errorFor(errors, "editInitials")} />
      <button class="button" type="submit">Simpan perubahan</button> <button class="button button--secondary" type="button" onClick=${closeEdit}>Batal</button></form>`}
    <h2>Buat akun</h2>
    <form class="form" onSubmit=${create} novalidate>
      <${TextInput} id="username" label="Nama pengguna" value=${f.username} onInput=${set("username")} autocomplete="off" error=${errorFor(errors, "username")} width="20" />
      <${TextInput} id="fullName" label="Nama lengkap" value=${f.fullName} onInput=${set("fullName")} error=${errorFor(errors, "fullName")} />
      <${TextInput} id="password" label="Kata sandi awal" hint="Paling sedikit 10 karakter." type="password" autocomplete="new-password"
        value=${f.password} onInput=${set("password")} error=${errorFor(errors, "password")} width="20" />
      <${Select} id="role" label="Peran" value=${f.role} onChange=${set("role")} options=${ROLES} empty="Pilih peran" error=${errorFor(errors, "role")} />
      ${f.role === "CONTRIBUTOR" && html`<${Select} id="institutionId" label="Instansi" value=${f.institutionId} onChange=${set("institutionId")}
        options=${data.options} empty="Pilih instansi" error=${errorFor(errors, "institutionId")} />`}
      <button class="button" type="submit">Buat akun</button>
    </form>`;
}

const PAGE = 100;

function Institutions() {
  const [pages, more, reload] = usePages(async (after) => {
    const d = await gql(`query($after: String, $kec: Boolean!) { institutions(first: ${PAGE}, after: $after) { totalCount
      pageInfo { hasNextPage endCursor } edges { node { id name kind kecamatan { name } parent { id name } } } }
      kecamatanList @include(if: $kec) { id name desa { id name } } }`, { after, kec: after == null });
    return [d.institutions, d.kecamatanList];
  });
  const empty = { name: "", kind: "", kecamatanId: "", desaId: "", parentId: "" };
  const [f, setF] = useState(empty);
  const [errors, setErrors] = useState([]);
  const [notice, setNotice] = useState(null);
  if (!pages.items) return html`<${PageTitle}>Instansi<//><${Loading} error=${pages.error} />`;
  const data = { kecamatanList: pages.extra };
  const all = pages.items;
  const loaded = new Set(all.map((i) => i.id));
  // An institution whose parent is on a page not loaded yet stands at the top, naming its parent.
  const parentOf = (i) => (i.parent && loaded.has(i.parent.id) ? i.parent.id : null);
  const children = (pid) => all.filter((i) => parentOf(i) === pid);
  const tree = (pid) => html`<ul class="tree">${children(pid).map((i) => html`<li>${i.name} <span class="meta">${label(INSTITUTION_KINDS, i.kind)}${i.kecamatan ? " · " + i.kecamatan.name : ""}${i.parent && pid == null ? " · di bawah " + i.parent.name : ""}</span>${children(i.id).length > 0 && tree(i.id)}</li>`)}</ul>`;
  const set = (k) => (v) => setF({ ...f, [k]: v, ...(k === "kecamatanId" ? { desaId: "" } : {}) });
  const kec = data.kecamatanList.find((k) => k.id === f.kecamatanId);
  async function create(e) {
    e.preventDefault();
    const missing = [];
    if (!f.name.trim()) missing.push({ field: "name", message: "Tulis nama instansi." });
    if (!f.kind) missing.push({ field: "kind", message: "Pilih jenis instansi." });
    if (missing.length) { setErrors(missing); return; }
    try {
      const input = { name: f.name, kind: f.kind, kecamatanId: f.kecamatanId || null, desaId: f.desaId || null, parentId: f.parentId || null };
      const p = (await gql(`mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { institution { name }
        errors { field code message } } }`, { input })).createInstitution;
      if (p.errors.length) setErrors(p.errors); else { setErrors([]); setF(empty); setNotice(`${p.institution.name} ditambahkan.`); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  return html`<${ErrorSummary} errors=${errors} />${notice && html`<${Notice} kind="success">${notice}<//>`}
    <${PageTitle}>Instansi dan hierarkinya<//>
    <p>${pages.total} instansi. Instansi di bawah instansi lain diawasi olehnya: operator instansi atas dapat bertindak untuknya.</p>
    ${tree(null)}
    ${pages.total > PAGE && html`<${MoreButton} pages=${pages} onMore=${more} noun="instansi" />`}
    <h2>Tambah instansi</h2>
    <form class="form" onSubmit=${create} novalidate>
      <${TextInput} id="name" label="Nama instansi" value=${f.name} onInput=${set("name")} error=${errorFor(errors, "name")} />
      <${Select} id="kind" label="Jenis" value=${f.kind} onChange=${set("kind")} options=${INSTITUTION_KINDS} empty="Pilih jenis" error=${errorFor(errors, "kind")} />
      <${Select} id="parentId" label="Di bawah instansi (tidak wajib)" value=${f.parentId} onChange=${set("parentId")}
        options=${all.map((i) => [i.id, i.name])} empty="Tidak ada" error=${errorFor(errors, "parentId")} />
      <${Select} id="kecamatanId" label="Kecamatan" value=${f.kecamatanId} onChange=${set("kecamatanId")}
        options=${data.kecamatanList.map((k) => [k.id, k.name])} empty="Tingkat kabupaten" error=${errorFor(errors, "kecamatanId")} />
      ${kec && html`<${Select} id="desaId" label="Desa atau kelurahan" value=${f.desaId} onChange=${set("desaId")}
        options=${kec.desa.map((d) => [d.id, d.name])} empty="Tidak ada" error=${errorFor(errors, "desaId")} />`}
      <button class="button" type="submit">Tambah instansi</button>
    </form>`;
}

function Categories() {
  const [data, error, reload] = useQuery(() => gql(`{ categories { id name slug children { id name slug } } }`));
  const [f, setF] = useState({ name: "", parentId: "" });
  const [errors, setErrors] = useState([]);
  if (!data) return html`<${PageTitle}>Kategori<//><${Loading} error=${error} />`;
  async function create(e) {
    e.preventDefault();
    if (!f.name.trim()) { setErrors([{ field: "name", message: "Tulis nama kategori." }]); return; }
    try {
      const p = (await gql(`mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id }
        errors { field code message } } }`, { input: { name: f.name, parentId: f.parentId || null } })).createCategory;
      if (p.errors.length) setErrors(p.errors); else { setErrors([]); setF({ name: "", parentId: "" }); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  return html`<${ErrorSummary} errors=${errors} /><${PageTitle}>Kategori<//>
    <ul class="tree">${data.categories.map((c) => html`<li>${c.name}${c.children.length > 0 && html`<ul>${c.children.map((k) => html`<li>${k.name}</li>`)}</ul>`}</li>`)}</ul>
    <h2>Tambah kategori</h2>
    <form class="form" onSubmit=${create} novalidate>
      <${TextInput} id="name" label="Nama kategori" value=${f.name} onInput=${(v) => setF({ ...f, name: v })} error=${errorFor(errors, "name")} />
      <${Select} id="parentId" label="Bagian dari (tidak wajib)" value=${f.parentId} onChange=${(v) => setF({ ...f, parentId: v })}
        options=${data.categories.map((c) => [c.id, c.name])} empty="Kategori utama" error=${errorFor(errors, "parentId")} />
      <button class="button" type="submit">Tambah kategori</button>
    </form>`;
}

function Points() {
  const [data, error, reload] = useQuery(() => gql(`{ pointsTable { levels { level label base } ranks { rank label factor } } }`));
  const [edits, setEdits] = useState({});
  const [errors, setErrors] = useState([]);
  const [notice, setNotice] = useState(null);
  if (!data) return html`<${PageTitle}>Tabel poin<//><${Loading} error=${error} />`;
  const t = data.pointsTable;
  async function save(e) {
    e.preventDefault();
    const levels = t.levels.filter((l) => edits["L" + l.level] != null).map((l) => ({ level: l.level, base: parseInt(edits["L" + l.level], 10) }));
    const ranks = t.ranks.filter((r) => edits["R" + r.rank] != null).map((r) => ({ rank: r.rank, factor: parseInt(edits["R" + r.rank], 10) }));
    try {
      const p = (await gql(`mutation($input: PointsTableInput!) { updatePointsTable(input: $input) { pointsTable { levels { base } }
        errors { field code message } } }`, { input: { levels, ranks } })).updatePointsTable;
      if (p.errors.length) setErrors(p.errors.map((x) => ({ ...x, field: null })));
      else { setErrors([]); setEdits({}); setNotice("Tabel poin disimpan; semua statistik memakai angka baru."); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  const cell = (key, value) => html`<input class="input input--4" type="number" min="0" inputmode="numeric" id=${"f-" + key}
    value=${edits[key] != null ? edits[key] : value} onInput=${(e) => setEdits({ ...edits, [key]: e.currentTarget.value })} />`;
  return html`<${ErrorSummary} errors=${errors} />${notice && html`<${Notice} kind="success">${notice}<//>`}
    <${PageTitle}>Tabel poin<//>
    <p>Poin sebuah prestasi = nilai dasar tingkat × faktor peringkat ÷ 100, dibulatkan ke bawah.</p>
    <form onSubmit=${save} novalidate>
      <div class="table-wrap"><table class="table"><caption>Nilai dasar per tingkat</caption>
        <thead><tr><th scope="col">Tingkat</th><th scope="col">Nilai dasar</th></tr></thead>
        <tbody>${t.levels.map((l) => html`<tr><th scope="row"><label for=${"f-L" + l.level}>${l.label}</label></th><td>${cell("L" + l.level, l.base)}</td></tr>`)}</tbody></table></div>
      <div class="table-wrap"><table class="table"><caption>Faktor per peringkat (persen)</caption>
        <thead><tr><th scope="col">Peringkat</th><th scope="col">Faktor</th></tr></thead>
        <tbody>${t.ranks.map((r) => html`<tr><th scope="row"><label for=${"f-R" + r.rank}>${r.label}</label></th><td>${cell("R" + r.rank, r.factor)}</td></tr>`)}</tbody></table></div>
      <button class="button" type="submit" disabled=${Object.keys(edits).length === 0}>Simpan tabel poin</button>
    </form>`;
}
