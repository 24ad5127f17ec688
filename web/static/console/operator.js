// The operator's screens (CONTRIBUTOR): achievements by status, the entry in steps, persons, import.
import { useEffect, useState } from "../vendor/preact/hooks.module.js";
import {
  Checkbox, ErrorSummary, Loading, Notice, PageTitle, Radios, Select, Tag, TextInput, errorFor, fieldId,
  formatBytes, formatDate, gql, gqlUpload, html, label, LEVELS, navigate, PERSON_ROLES, problems,
  RANKS, STATUSES, useQuery,
} from "./ui.js";

export const NAV = [["/", "Prestasi"], ["/prestasi/baru", "Tambah prestasi"], ["/orang", "Daftar orang"],
  ["/impor", "Impor spreadsheet"]];

export const ACHIEVEMENT = `id title eventName organizer level rank rankLabel date location description status
  rejectionReason submittedAt updatedAt achieverKind category { id name } institution { id name }
  kecamatan { id name } desa { id name } persons { id name publicationConsent }
  evidence { id kind url fileName contentType size description }`;

const enc = encodeURIComponent;

export function route(path) {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "prestasi" && parts[1] === "baru") return () => html`<${AchievementForm} />`;
  if (parts[0] === "prestasi" && parts[1]) {
    const id = parts[1];
    if (parts[2] === "ubah") return () => html`<${AchievementForm} id=${id} />`;
    if (parts[2] === "orang") return (p) => html`<${PersonsStep} id=${id} me=${p.me} />`;
    if (parts[2] === "bukti") return () => html`<${EvidenceStep} id=${id} />`;
    return () => html`<${Overview} id=${id} />`;
  }
  if (parts[0] === "orang") return (p) => html`<${Registry} me=${p.me} />`;
  if (parts[0] === "impor") return (p) => html`<${ImportScreen} me=${p.me} />`;
  return (p) => html`<${Home} me=${p.me} />`;
}

function Home({ me }) {
  const instId = me.institution && me.institution.id;
  const [data, error] = useQuery(() => gql(`query($inst: ID) {
    DRAFT: achievements(filter: {status: DRAFT}, first: 50) { totalCount edges { node { id title date status updatedAt institution { id name } } } }
    REJECTED: achievements(filter: {status: REJECTED}, first: 50) { totalCount edges { node { id title date status rejectionReason institution { id name } } } }
    SUBMITTED: achievements(filter: {status: SUBMITTED}, first: 50) { totalCount edges { node { id title date status submittedAt institution { id name } } } }
    VERIFIED: achievements(filter: {status: VERIFIED, institutionId: $inst}, first: 50) { totalCount edges { node { id title date status institution { id name } } } }
  }`, { inst: instId }));
  const [tab, setTab] = useState("DRAFT");
  if (!data) return html`<${PageTitle}>Prestasi instansi<//><${Loading} error=${error} />`;
  const order = ["DRAFT", "REJECTED", "SUBMITTED", "VERIFIED"];
  const list = data[tab];
  return html`<${PageTitle} caption=${me.institution ? me.institution.name : ""}>Prestasi instansi<//>
    <p><a class="button" href="#/prestasi/baru">Tambah prestasi</a></p>
    <div class="tabs" role="tablist" aria-label="Status">
      ${order.map((s) => html`<button type="button" role="tab" id=${"tab-" + s} aria-selected=${tab === s}
        aria-controls="tab-panel" class=${"tab" + (tab === s ? " tab--on" : "")} onClick=${() => setTab(s)}>
        ${label(STATUSES, s)} <span class="count">${data[s].totalCount}</span></button>`)}
    </div>
    <section id="tab-panel" role="tabpanel" aria-labelledby=${"tab-" + tab}>
      ${list.edges.length === 0 ? html`<p>Belum ada prestasi berstatus ${label(STATUSES, tab).toLowerCase()}.</p>`
        : html`<ul class="list">${list.edges.map(({ node: a }) => html`<li class="list-item">
          <a href=${"#/prestasi/" + enc(a.id)}>${a.title}</a>
          <span class="meta">${formatDate(a.date)}${a.institution.id !== instId ? " · " + a.institution.name : ""} · <${Tag} status=${a.status} /></span>
          ${a.rejectionReason && html`<p class="reason"><strong>Alasan ditolak:</strong> ${a.rejectionReason}</p>`}
        </li>`)}</ul>`}
    </section>`;
}

function useReference() {
  return useQuery(() => gql(`{ categories { id name children { id name } }
    kecamatanList { id name desa { id name } } }`));
}

function categoryOptions(categories) {
  const out = [];
  for (const c of categories) {
    out.push([c.id, c.name]);
    for (const k of c.children) out.push([k.id, `${c.name} › ${k.name}`]);
  }
  return out;
}

const today = () => new Date().toISOString().slice(0, 10);

function AchievementForm({ id }) {
  const [ref, refError] = useReference();
  // The institutions the operator may enter achievements for: its own and every one below it.
  const [me] = useQuery(async () => {
    const d = await gql(`{ me { institution { id name kecamatan { id } desa { id } } } }`);
    const own = d.me.institution;
    if (id || !own) return { ...d, scope: own ? [own] : [] };
    const s = await gql(`query($own: ID!) { institutions(filter: {within: $own}, first: 100) { totalCount
      edges { node { id name kecamatan { id } desa { id } } } } }`, { own: own.id });
    const rest = s.institutions.edges.map((e) => e.node).filter((i) => i.id !== own.id);
    return { ...d, scope: [own, ...rest], more: s.institutions.totalCount > 100 };
  });
  const [existing, existingError] = useQuery(() => id ? gql(`query($id: ID!) { node(id: $id) { ... on Achievement { ${ACHIEVEMENT} } } }`, { id }) : Promise.resolve(null), [id]);
  const [f, setF] = useState(null);
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (f) return;
    if (id && existing && existing.node) {
      const a = existing.node;
      setF({ title: a.title, eventName: a.eventName, organizer: a.organizer, level: a.level, rank: a.rank,
        rankLabel: a.rankLabel || "", categoryId: a.category.id, date: a.date, location: a.location || "",
        description: a.description || "", kecamatanId: a.kecamatan ? a.kecamatan.id : "",
        desaId: a.desa ? a.desa.id : "" });
    } else if (!id && me) {
      const inst = me.me.institution || {};
      setF({ title: "", eventName: "", organizer: "", level: "", rank: "", rankLabel: "", categoryId: "",
        date: "", location: "", description: "", kecamatanId: inst.kecamatan ? inst.kecamatan.id : "",
        desaId: inst.desa ? inst.desa.id : "", institutionId: inst.id || "" });
    }
  }, [existing, me]);
  // The form needs the operator's institutions as well, whichever of the queries answers first.
  if (!ref || !f || !me) return html`<${PageTitle}>${id ? "Ubah data prestasi" : "Tambah prestasi"}<//>
    <${Loading} error=${refError || existingError} />`;
  const set = (k) => (v) => {
    let region = k === "kecamatanId" ? { desaId: "" } : {};
    if (k === "institutionId") {
      // The region follows the institution picked, as it was preselected from the operator's own.
      const inst = me.scope.find((i) => i.id === v) || {};
      region = { kecamatanId: inst.kecamatan ? inst.kecamatan.id : "", desaId: inst.desa ? inst.desa.id : "" };
    }
    setF({ ...f, [k]: v, ...region });
    if (errors.some((x) => x.field === k)) setErrors(errors.filter((x) => x.field !== k));
  };
  const kec = ref.kecamatanList.find((k) => k.id === f.kecamatanId);
  async function save(e) {
    e.preventDefault();
    const missing = [];
    const need = [["title", "Tulis nama prestasi."], ["eventName", "Tulis nama lomba atau program penghargaan."],
      ["organizer", "Tulis penyelenggara."], ["level", "Pilih tingkat."], ["rank", "Pilih peringkat."],
      ["categoryId", "Pilih kategori."], ["date", "Isi tanggal prestasi."]];
    for (const [k, m] of need) if (!String(f[k]).trim()) missing.push({ field: k, message: m });
    if (f.date && f.date > today()) missing.push({ field: "date", message: "Tanggal prestasi tidak boleh di masa depan." });
    if (missing.length) { setErrors(missing); return; }
    const { institutionId, ...fields } = f;
    const input = { ...fields, rankLabel: f.rankLabel || null, location: f.location || null,
      description: f.description || null, kecamatanId: f.kecamatanId || null, desaId: f.desaId || null };
    setBusy(true);
    try {
      let payload;
      if (id) {
        payload = (await gql(`mutation($id: ID!, $input: AchievementUpdateInput!) { updateAchievement(id: $id, input: $input) {
          achievement { id } errors { field code message } } }`, { id, input })).updateAchievement;
      } else {
        input.institutionId = institutionId || me.me.institution.id;
        payload = (await gql(`mutation($input: AchievementInput!) { createAchievement(input: $input) {
          achievement { id } errors { field code message } } }`, { input })).createAchievement;
      }
      if (payload.errors.length) setErrors(payload.errors);
      else navigate(id ? "/prestasi/" + enc(id) : "/prestasi/" + enc(payload.achievement.id) + "/orang");
    } catch (err) { setErrors(problems(err)); } finally { setBusy(false); }
  }
  const err = (...k) => errorFor(errors, ...k);
  return html`<${ErrorSummary} errors=${errors} />
    <${PageTitle} caption=${id ? "Langkah 1 dari 3" : "Langkah 1 dari 3 · prestasi baru"}>${id ? "Ubah data prestasi" : "Data prestasi"}<//>
    <form onSubmit=${save} novalidate class="form">
      ${!id && me.scope.length > 1 && html`<${Select} id="institutionId" label="Instansi pemilik prestasi"
        hint=${"Instansi Anda atau instansi di bawahnya." + (me.more ? " Hanya 100 instansi pertama yang dapat dipilih di sini." : "")}
        value=${f.institutionId} onChange=${set("institutionId")} options=${me.scope.map((i) => [i.id, i.name])}
        error=${errorFor(errors, "institutionId")} />`}
      <${TextInput} id="title" label="Nama prestasi" hint="Contoh: Juara 1 Lomba Desa Tertib Administrasi"
        value=${f.title} onInput=${set("title")} error=${err("title")} />
      <${TextInput} id="eventName" label="Nama lomba atau program penghargaan" value=${f.eventName}
        onInput=${set("eventName")} error=${err("eventName")} />
      <${TextInput} id="organizer" label="Penyelenggara" value=${f.organizer} onInput=${set("organizer")}
        error=${err("organizer")} />
      <${Select} id="level" label="Tingkat" value=${f.level} onChange=${set("level")} options=${LEVELS}
        empty="Pilih tingkat" error=${err("level")} />
      <${Select} id="rank" label="Peringkat" value=${f.rank} onChange=${set("rank")} options=${RANKS}
        empty="Pilih peringkat" error=${err("rank")} />
      ${f.rank === "PENGHARGAAN" && html`<${TextInput} id="rankLabel" label="Nama penghargaan atau predikat"
        hint="Contoh: Predikat Madya" value=${f.rankLabel} onInput=${set("rankLabel")} error=${err("rankLabel")} />`}
      <${Select} id="categoryId" label="Kategori" value=${f.categoryId} onChange=${set("categoryId")}
        options=${categoryOptions(ref.categories)} empty="Pilih kategori" error=${err("categoryId")} />
      <${TextInput} id="date" label="Tanggal prestasi" type="date" value=${f.date} onInput=${set("date")}
        error=${err("date")} width="10" />
      <${TextInput} id="location" label="Tempat (tidak wajib)" value=${f.location} onInput=${set("location")}
        error=${err("location")} />
      <${Select} id="kecamatanId" label="Kecamatan" hint=${me.scope.length > 1 ? "Sudah diisi dari instansi yang dipilih; ubah bila perlu." : "Sudah diisi dari instansi Anda; ubah bila perlu."}
        value=${f.kecamatanId} onChange=${set("kecamatanId")} empty="Tingkat kabupaten (tanpa kecamatan)"
        options=${ref.kecamatanList.map((k) => [k.id, k.name])} error=${err("kecamatanId")} />
      ${kec && html`<${Select} id="desaId" label="Desa atau kelurahan" value=${f.desaId} onChange=${set("desaId")}
        empty="Tidak ada desa tertentu" options=${kec.desa.map((d) => [d.id, d.name])} error=${err("desaId")} />`}
      <${TextInput} id="description" label="Keterangan (tidak wajib)" multiline value=${f.description}
        onInput=${set("description")} error=${err("description")} />
      <button class="button" type="submit" disabled=${busy}>Simpan dan lanjutkan</button>
      ${id && html` <a class="link-button" href=${"#/prestasi/" + enc(id)}>Batal</a>`}
    </form>`;
}

function useAchievement(id) {
  return useQuery(() => gql(`query($id: ID!) { node(id: $id) { ... on Achievement { ${ACHIEVEMENT} } } }`, { id }), [id]);
}

function Overview({ id }) {
  const [data, error, reload] = useAchievement(id);
  const [errors, setErrors] = useState([]);
  const [done, setDone] = useState(null);
  if (!data) return html`<${PageTitle}>Prestasi<//><${Loading} error=${error} />`;
  const a = data.node;
  if (!a) return html`<${PageTitle}>Prestasi tidak ditemukan<//><p><a href="#/">Kembali ke daftar</a></p>`;
  const editable = a.status === "DRAFT" || a.status === "REJECTED";
  async function submit() {
    try {
      const p = (await gql(`mutation($id: ID!) { submitAchievement(id: $id) { achievement { id status }
        errors { field code message } } }`, { id })).submitAchievement;
      if (p.errors.length) setErrors(p.errors);
      else { setErrors([]); setDone("Prestasi diajukan untuk verifikasi."); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  const row = (k, v, href) => html`<div class="summary-row"><dt>${k}</dt><dd>${v}</dd>
    <dd class="summary-action">${editable && href && html`<a href=${href}>Ubah<span class="visually-hidden"> ${k.toLowerCase()}</span></a>`}</dd></div>`;
  const base = "#/prestasi/" + enc(id);
  return html`<${ErrorSummary} errors=${errors} />
    ${done && html`<${Notice} kind="success">${done}<//>`}
    <${PageTitle} caption=${a.institution.name}>${a.title}<//>
    <p><${Tag} status=${a.status} /></p>
    ${a.status === "REJECTED" && html`<${Notice} kind="warning"><strong>Ditolak verifikator:</strong> ${a.rejectionReason}
      <br />Perbaiki datanya, lalu ajukan ulang.<//>`}
    <h2>Data prestasi</h2>
    <dl class="summary">
      ${row("Lomba atau program", a.eventName, base + "/ubah")}
      ${row("Penyelenggara", a.organizer, base + "/ubah")}
      ${row("Tingkat", label(LEVELS, a.level), base + "/ubah")}
      ${row("Peringkat", a.rankLabel || label(RANKS, a.rank), base + "/ubah")}
      ${row("Kategori", a.category.name, base + "/ubah")}
      ${row("Tanggal", formatDate(a.date), base + "/ubah")}
      ${row("Wilayah", [a.desa && a.desa.name, a.kecamatan ? "Kec. " + a.kecamatan.name : "Tingkat kabupaten"].filter(Boolean).join(", "), base + "/ubah")}
      ${a.location && row("Tempat", a.location, base + "/ubah")}
    </dl>
    <h2>Orang yang berprestasi</h2>
    ${a.persons.length ? html`<ul class="list">${a.persons.map((p) => html`<li>${p.name}${p.publicationConsent ? "" : " (nama tidak dipublikasikan)"}</li>`)}</ul>`
      : html`<p>Tidak ada: prestasi atas nama instansi.</p>`}
    ${editable && html`<p><a href=${base + "/orang"}>Ubah orang</a></p>`}
    <h2 id=${fieldId("evidence")} tabindex="-1">Bukti</h2>
    ${a.evidence.length ? html`<ul class="list">${a.evidence.map((e) => html`<li>${e.fileName || e.url} ${e.size ? "· " + formatBytes(e.size) : ""}</li>`)}</ul>`
      : html`<p>Belum ada bukti. Prestasi hanya dapat diajukan dengan bukti (sertifikat, piagam, foto).</p>`}
    ${editable && html`<p><a href=${base + "/bukti"}>Tambah atau hapus bukti</a></p>`}
    ${editable && html`<h2>Ajukan</h2><p>Setelah diajukan, data tidak dapat diubah sampai diperiksa verifikator.</p>
      <button class="button" type="button" onClick=${submit}>${a.status === "REJECTED" ? "Ajukan ulang" : "Ajukan untuk verifikasi"}</button>`}
    <p><a href="#/">Kembali ke daftar prestasi</a></p>`;
}

/** The form for one new person: name, role, birth date, and consent (a guardian's for minors). */
export function PersonForm({ institutionId, onCreated, submitLabel = "Daftarkan orang" }) {
  const [f, setF] = useState({ name: "", role: "", birthDate: "", publicationConsent: false, consentGivenBy: "" });
  const [errors, setErrors] = useState([]);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const age = f.birthDate ? Math.floor((Date.now() - new Date(f.birthDate + "T00:00:00")) / 31557600000) : null;
  const minor = age != null ? age < 18 : f.role === "SISWA";
  async function save(e) {
    e.preventDefault();
    const missing = [];
    if (!f.name.trim()) missing.push({ field: "name", message: "Tulis nama lengkap." });
    if (!f.role) missing.push({ field: "role", message: "Pilih peran orang ini." });
    if (f.publicationConsent && !f.consentGivenBy)
      missing.push({ field: "consentGivenBy", message: "Pilih siapa yang memberi persetujuan." });
    if (f.publicationConsent && minor && f.consentGivenBy === "SELF")
      missing.push({ field: "consentGivenBy", message: "Untuk anak di bawah 18 tahun, persetujuan harus dari orang tua atau wali." });
    if (missing.length) { setErrors(missing); return; }
    const input = { name: f.name, institutionId, publicationConsent: f.publicationConsent,
      birthDate: f.birthDate || null };
    input.role = f.role;
    if (f.publicationConsent) input.consentGivenBy = f.consentGivenBy;
    try {
      const p = (await gql(`mutation($input: CreatePersonInput!) { createPerson(input: $input) {
        person { id name publicationConsent } errors { field code message } } }`, { input })).createPerson;
      if (p.errors.length) setErrors(p.errors);
      else { setErrors([]); setF({ name: "", role: "", birthDate: "", publicationConsent: false, consentGivenBy: "" }); onCreated(p.person); }
    } catch (err) { setErrors(problems(err)); }
  }
  const err = (k) => errorFor(errors, k);
  return html`<form onSubmit=${save} novalidate class="form subform">
    <${ErrorSummary} errors=${errors} />
    <${TextInput} id="name" label="Nama lengkap" value=${f.name} onInput=${set("name")} error=${err("name")} autocomplete="off" />
    <${Select} id="role" label="Peran" value=${f.role} onChange=${set("role")}
      options=${PERSON_ROLES} empty="Pilih peran" error=${err("role")} />
    <${TextInput} id="birthDate" label="Tanggal lahir (tidak wajib)" type="date" width="10"
      hint="Dipakai untuk mengetahui apakah ia masih anak-anak. Tidak pernah ditampilkan untuk umum."
      value=${f.birthDate} onInput=${set("birthDate")} error=${err("birthDate")} />
    <${Checkbox} id="publicationConsent" label="Nama boleh dipublikasikan" checked=${f.publicationConsent}
      onChange=${set("publicationConsent")}
      hint="Tanpa persetujuan, berita dan dasbor hanya memuat inisialnya." />
    ${f.publicationConsent && html`<${Radios} id="consentGivenBy"
      legend="Siapa yang memberi persetujuan?" value=${f.consentGivenBy} onChange=${set("consentGivenBy")}
      error=${err("consentGivenBy")}
      hint=${minor ? "Orang ini di bawah 18 tahun: persetujuan harus dari orang tua atau wali." : null}
      options=${minor ? [["GUARDIAN", "Orang tua atau wali"]] : [["SELF", "Orangnya sendiri"], ["GUARDIAN", "Orang tua atau wali"]]} />`}
    <button class="button button--secondary" type="submit">${submitLabel}</button>
  </form>`;
}

function PersonsStep({ id, me }) {
  const [data, error, reload] = useAchievement(id);
  // The persons of the institution the achievement belongs to (the operator's own or one below it).
  const instId = data && data.node ? data.node.institution.id : null;
  const [registry, , reloadRegistry] = useQuery(() => instId ? gql(`query($inst: ID) { persons(filter: {institutionId: $inst}, first: 100) {
    edges { node { id name } } } }`, { inst: instId }) : Promise.resolve(null), [instId]);
  const [pick, setPick] = useState("");
  const [errors, setErrors] = useState([]);
  if (!data) return html`<${PageTitle}>Orang yang berprestasi<//><${Loading} error=${error} />`;
  const a = data.node;
  async function setPersons(ids) {
    try {
      const p = (await gql(`mutation($id: ID!, $ids: [ID!]) { updateAchievement(id: $id, input: {personIds: $ids}) {
        achievement { id } errors { field code message } } }`, { id, ids })).updateAchievement;
      if (p.errors.length) setErrors(p.errors); else { setErrors([]); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  const current = a.persons.map((p) => p.id);
  const choices = registry ? registry.persons.edges.map((e) => e.node).filter((p) => !current.includes(p.id)) : [];
  return html`<${ErrorSummary} errors=${errors} />
    <${PageTitle} caption="Langkah 2 dari 3">Orang yang berprestasi<//>
    <p>Tambahkan siswa, atlet, guru atau warga yang meraih prestasi ini. Lewati langkah ini bila prestasinya atas nama instansi.</p>
    ${a.persons.length > 0 && html`<ul class="list">${a.persons.map((p) => html`<li class="list-item list-item--row">
      <span>${p.name}</span>
      <button class="button button--secondary button--small" type="button"
        onClick=${() => setPersons(current.filter((x) => x !== p.id))}>Hapus<span class="visually-hidden"> ${p.name}</span></button></li>`)}</ul>`}
    <h2>Pilih dari daftar orang ${a.institution.id !== (me.institution && me.institution.id) ? a.institution.name : "instansi"}</h2>
    ${choices.length ? html`<div class="inline-form">
      <${Select} id="pick" label="Orang" value=${pick} onChange=${setPick} empty="Pilih orang"
        options=${choices.map((p) => [p.id, p.name])} />
      <button class="button button--secondary" type="button" disabled=${!pick}
        onClick=${() => { setPersons([...current, pick]); setPick(""); }}>Tambahkan</button></div>`
      : html`<p>Belum ada orang lain di daftar instansi.</p>`}
    <h2>Atau daftarkan orang baru</h2>
    <${PersonForm} institutionId=${instId} submitLabel="Daftarkan dan tambahkan"
      onCreated=${(p) => { reloadRegistry(); setPersons([...current, p.id]); }} />
    <p><a class="button" href=${"#/prestasi/" + enc(id) + "/bukti"}>Lanjutkan ke bukti</a></p>`;
}

const ACCEPT = "application/pdf,image/jpeg,image/png,image/webp";

function EvidenceStep({ id }) {
  const [data, error, reload] = useAchievement(id);
  const [queue, setQueue] = useState([]);
  const [errors, setErrors] = useState([]);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => () => queue.forEach((q) => q.preview && URL.revokeObjectURL(q.preview)), []);
  if (!data) return html`<${PageTitle}>Bukti<//><${Loading} error=${error} />`;
  const a = data.node;
  function add(files) {
    const items = Array.from(files).map((file) => ({
      file, progress: 0, preview: file.type.startsWith("image/") ? URL.createObjectURL(file) : null,
    }));
    setQueue((q) => [...q, ...items]);
  }
  async function upload() {
    setBusy(true);
    const problemsFound = [];
    for (let i = 0; i < queue.length; i++) {
      const item = queue[i];
      try {
        const d = await gqlUpload(`mutation($input: UploadEvidenceInput!) { uploadEvidence(input: $input) {
          evidence { id } errors { field code message } } }`, { input: { achievementId: id, file: null } },
        "input.file", item.file, (p) => setQueue((q) => q.map((x) => x === item ? { ...x, progress: p } : x)));
        for (const e of d.uploadEvidence.errors) problemsFound.push({ field: "file", message: `${item.file.name}: ${e.message}` });
      } catch (err) { problemsFound.push({ field: "file", message: `${item.file.name}: ${err.message}` }); }
    }
    queue.forEach((q) => q.preview && URL.revokeObjectURL(q.preview));
    setQueue([]); setErrors(problemsFound); setBusy(false); reload();
  }
  async function remove(evId) {
    try {
      const p = (await gql(`mutation($id: ID!) { removeEvidence(id: $id) { errors { field code message } } }`, { id: evId })).removeEvidence;
      setErrors(p.errors); reload();
    } catch (err) { setErrors(problems(err)); }
  }
  return html`<${ErrorSummary} errors=${errors} />
    <${PageTitle} caption="Langkah 3 dari 3">Bukti prestasi<//>
    <p>Unggah sertifikat, piagam atau foto penyerahan: PDF, JPEG, PNG atau WebP, paling besar 10 MB per berkas.</p>
    ${a.evidence.length > 0 && html`<ul class="evidence-grid">${a.evidence.map((e) => html`<li class="evidence-card">
      ${e.contentType && e.contentType.startsWith("image/") ? html`<img src=${"/evidence/" + enc(e.id)} alt=${"Bukti: " + (e.fileName || "")} />`
        : html`<span class="file-icon" aria-hidden="true">PDF</span>`}
      <span class="file-name">${e.fileName || e.url}</span><span class="meta">${formatBytes(e.size)}</span>
      <button class="button button--secondary button--small" type="button" onClick=${() => remove(e.id)}>Hapus<span class="visually-hidden"> ${e.fileName}</span></button>
    </li>`)}</ul>`}
    <div class=${"dropzone" + (over ? " dropzone--over" : "")}
      onDragOver=${(e) => { e.preventDefault(); setOver(true); }} onDragLeave=${() => setOver(false)}
      onDrop=${(e) => { e.preventDefault(); setOver(false); add(e.dataTransfer.files); }}>
      <p>Tarik berkas ke sini, atau:</p>
      <div class="field"><label class="label" for=${fieldId("file")}>Pilih berkas</label>
        <input class="file-input" type="file" id=${fieldId("file")} multiple accept=${ACCEPT}
          onChange=${(e) => { add(e.currentTarget.files); e.currentTarget.value = ""; }} /></div>
      <div class="field"><label class="label" for=${fieldId("camera")}>Ambil foto dengan kamera</label>
        <input class="file-input" type="file" id=${fieldId("camera")} accept="image/*" capture="environment"
          onChange=${(e) => { add(e.currentTarget.files); e.currentTarget.value = ""; }} /></div>
    </div>
    ${queue.length > 0 && html`<h2>Siap diunggah</h2><ul class="evidence-grid">${queue.map((q) => html`<li class="evidence-card">
      ${q.preview ? html`<img src=${q.preview} alt=${"Pratinjau " + q.file.name} />` : html`<span class="file-icon" aria-hidden="true">PDF</span>`}
      <span class="file-name">${q.file.name}</span><span class="meta">${formatBytes(q.file.size)}</span>
      <progress max="1" value=${q.progress} aria-label=${"Unggahan " + q.file.name}></progress></li>`)}</ul>
      <button class="button" type="button" disabled=${busy} onClick=${upload}>Unggah ${queue.length} berkas</button>`}
    <p><a class="button ${queue.length ? "button--secondary" : ""}" href=${"#/prestasi/" + enc(id)}>Lanjutkan ke ringkasan</a></p>`;
}

function Registry({ me }) {
  const instId = me.institution && me.institution.id;
  const [search, setSearch] = useState("");
  const [data, error, reload] = useQuery(() => gql(`query($inst: ID, $q: String) { persons(filter: {institutionId: $inst, search: $q}, first: 100) {
    totalCount edges { node { id name publicationConsent consentGivenBy } } } }`, { inst: instId, q: search || null }), [search]);
  const [added, setAdded] = useState(null);
  const [errors, setErrors] = useState([]);
  async function withdraw(p) {
    try {
      const r = (await gql(`mutation($id: ID!) { updatePerson(id: $id, input: {publicationConsent: false}) {
        person { name } errors { field code message } } }`, { id: p.id })).updatePerson;
      if (r.errors.length) setErrors(r.errors.map((e) => ({ ...e, field: null })));
      else { setErrors([]); setAdded(null); reload(); }
    } catch (err) { setErrors(problems(err)); }
  }
  return html`<${ErrorSummary} errors=${errors} />
    <${PageTitle} caption=${me.institution ? me.institution.name : ""}>Daftar orang<//>
    ${added && html`<${Notice} kind="success">${added} didaftarkan.<//>`}
    <${TextInput} id="search" label="Cari nama" value=${search} onInput=${setSearch} width="20" />
    ${!data ? html`<${Loading} error=${error} />` : html`<p>${data.persons.totalCount} orang.</p>
      <div class="table-wrap"><table class="table"><caption class="visually-hidden">Orang terdaftar</caption>
      <thead><tr><th scope="col">Nama</th><th scope="col">Nama dipublikasikan</th></tr></thead>
      <tbody>${data.persons.edges.map(({ node: p }) => html`<tr><td>${p.name}</td><td>${p.publicationConsent
        ? html`Ya${p.consentGivenBy === "GUARDIAN" ? " (izin orang tua/wali)" : ""}
          <button class="button button--secondary button--small" type="button" onClick=${() => withdraw(p)}>Tarik persetujuan<span class="visually-hidden"> ${p.name}</span></button>`
        : "Tidak (inisial)"}</td></tr>`)}</tbody>
      </table></div>`}
    <h2>Daftarkan orang baru</h2>
    <${PersonForm} institutionId=${instId} onCreated=${(p) => { setAdded(p.name); reload(); }} />`;
}

const JOB = `id status processedRows totalRows percent message dryRun fileName
  report { dryRun committed totalRows validRows createdCount personsCreated problemCount problems { row column message } }`;

/** The import runs on the server as a job: the upload answers at once, then the job is polled until it is DONE
 * (its report) or FAILED (its message). The bar shows the upload, then the rows checked and written. */
function ImportScreen({ me }) {
  const [file, setFile] = useState(null);
  const [report, setReport] = useState(null);
  const [errors, setErrors] = useState([]);
  const [upload, setUpload] = useState(null);
  const [job, setJob] = useState(null);
  const busy = upload != null || (job && job.status !== "DONE" && job.status !== "FAILED");
  useEffect(() => {
    if (!job || job.status === "DONE" || job.status === "FAILED") return undefined;
    let gone = false;
    const timer = setTimeout(async () => {
      try {
        const d = await gql(`query($id: ID!) { importJob(id: $id) { ${JOB} } }`, { id: job.id });
        if (gone) return;
        const j = d.importJob;
        if (!j) { setJob(null); setErrors([{ field: "importFile", message: "Impor tidak ditemukan lagi; unggah ulang berkasnya." }]); return; }
        if (j.status === "DONE") setReport(j.report);
        if (j.status === "FAILED") setErrors([{ field: "importFile", message: j.message }]);
        setJob(j);
      } catch (err) {
        // A poll that fails (a restart, a dropped connection) is tried again; the job goes on on the server.
        if (!gone) setJob({ ...job, pollFailures: (job.pollFailures || 0) + 1 });
      }
    }, job.pollFailures ? 3000 : 700);
    return () => { gone = true; clearTimeout(timer); };
  }, [job]);
  async function run(dryRun) {
    if (!file) { setErrors([{ field: "importFile", message: "Pilih berkas spreadsheet yang sudah diisi." }]); return; }
    setErrors([]); setReport(null); setJob(null); setUpload(0);
    try {
      const d = await gqlUpload(`mutation($input: ImportAchievementsInput!) { startImportJob(input: $input) {
        job { ${JOB} } errors { field code message } } }`, { input: { file: null, institutionId: me.institution.id, dryRun } },
      "input.file", file, setUpload);
      const p = d.startImportJob;
      if (p.errors.length) setErrors(p.errors.map((e) => ({ ...e, field: "importFile" })));
      setJob(p.job);
    } catch (err) { setErrors(problems(err).map((e) => ({ ...e, field: "importFile" }))); }
    setUpload(null);
  }
  const running = job && job.status !== "DONE" && job.status !== "FAILED";
  const percent = upload != null ? null : job && job.percent;
  return html`<${ErrorSummary} errors=${errors} />
    <${PageTitle}>Impor spreadsheet<//>
    <ol class="steps">
      <li>Unduh templat: <a href="/templates/import-prestasi.xlsx">Excel (.xlsx)</a> atau <a href="/templates/import-prestasi.csv">CSV</a>.</li>
      <li>Isi satu prestasi per baris. Daftar pilihan untuk tingkat, peringkat, kategori dan wilayah ada di templat.</li>
      <li>Unggah berkas. Semua baris diperiksa dulu; bila satu baris salah, tidak ada yang disimpan.</li>
    </ol>
    <div class="field"><label class="label" for=${fieldId("importFile")}>Berkas spreadsheet</label>
      <input class="file-input" type="file" id=${fieldId("importFile")} accept=".xlsx,.csv"
        onChange=${(e) => { setFile(e.currentTarget.files[0] || null); setReport(null); setJob(null); }} /></div>
    <button class="button button--secondary" type="button" onClick=${() => run(true)} disabled=${busy}>Periksa berkas</button>
    <div class="import-progress" role="status" aria-live="polite">
      ${(upload != null || running) && html`
        <p id="import-progress-text">${upload != null ? `Mengunggah berkas… ${Math.round(upload * 100)}%`
          : `${job.fileName || "Berkas"}: ${job.message}`}
          ${percent != null && html` <strong>${percent}%</strong>`}</p>
        ${upload != null ? html`<progress max="100" value=${Math.round(upload * 100)} aria-labelledby="import-progress-text"></progress>`
          : percent != null ? html`<progress max="100" value=${percent} aria-labelledby="import-progress-text"></progress>`
          : html`<progress aria-labelledby="import-progress-text"></progress>`}
        ${running && html`<p class="meta">Halaman ini boleh ditinggalkan; impor tetap berjalan di server.
          ${job.pollFailures ? " Sambungan ke server terputus sebentar; mencoba lagi…" : ""}</p>`}`}
    </div>
    ${report && html`<section class="report" aria-live="polite">
      <h2>${report.committed ? "Impor selesai" : "Hasil pemeriksaan"}</h2>
      <p>${report.totalRows} baris, ${report.validRows} benar${report.committed ? `, ${report.createdCount} prestasi disimpan sebagai draf, ${report.personsCreated} orang baru` : ""}.</p>
      ${report.problemCount > 0 && html`<${Notice} kind="error"><p>${report.problemCount} masalah; tidak ada yang disimpan. Perbaiki berkas, lalu unggah lagi.</p>
        <ul>${report.problems.map((p) => html`<li>${p.message}</li>`)}</ul><//>`}
      ${!report.committed && report.problemCount === 0 && report.totalRows > 0 && html`<button class="button" type="button"
        onClick=${() => run(false)} disabled=${busy}>Impor ${report.totalRows} baris</button>`}
      ${report.committed && html`<p><a href="#/">Lihat draf prestasi</a></p>`}
    </section>`}`;
}
