// The console: login, then the screens of the caller's role. Hash routes (#/…) keep the server to one page.
import { render } from "../vendor/preact/preact.module.js";
import { useEffect, useState } from "../vendor/preact/hooks.module.js";
import { ErrorSummary, PageTitle, TextInput, gql, html, label, onSessionExpired, ROLES } from "./ui.js";

const ME = `{ me { id username fullName role institution { id name kind kecamatan { id name } desa { id name } } } }`;

const SCREENS = {
  CONTRIBUTOR: () => import("./operator.js"),
  ADMIN: () => import("./admin.js"),
  VERIFIER: () => import("./verifier.js"),
  EDITOR: () => import("./editor.js"),
};

function currentPath() {
  const h = window.location.hash;
  return h.startsWith("#/") ? h.slice(1) : "/";
}

function Login({ onDone, expired }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState(expired
    ? [{ field: null, message: "Sesi Anda telah berakhir. Silakan masuk kembali." }] : []);
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    const missing = [];
    if (!username.trim()) missing.push({ field: "username", message: "Masukkan nama pengguna." });
    if (!password) missing.push({ field: "password", message: "Masukkan kata sandi." });
    if (missing.length) { setErrors(missing); return; }
    setBusy(true);
    try {
      const r = await fetch("/session", {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json", "x-juara-csrf": "1" },
        body: JSON.stringify({ username, password }),
      });
      const json = await r.json();
      if (json.errors && json.errors.length) {
        setErrors(json.errors.map((x) => ({ field: x.field || "password", message: x.message })));
      } else onDone();
    } catch (_) {
      setErrors([{ field: null, message: "Tidak dapat menghubungi server. Periksa sambungan, lalu coba lagi." }]);
    } finally { setBusy(false); }
  }
  const err = (f) => errors.find((x) => x.field === f);
  return html`<main id="isi" tabindex="-1" class="narrow">
    <${ErrorSummary} errors=${errors} />
    <${PageTitle}>Masuk ke konsol<//>
    <p>Untuk operator instansi, verifikator, editor IKP dan administrator Dinkominfo Purbalingga.</p>
    <form onSubmit=${submit} novalidate>
      <${TextInput} id="username" label="Nama pengguna" value=${username} onInput=${setUsername}
        autocomplete="username" error=${err("username")} width="20" />
      <${TextInput} id="password" label="Kata sandi" type="password" value=${password} onInput=${setPassword}
        autocomplete="current-password" error=${err("password")} width="20" />
      <button class="button" type="submit" disabled=${busy}>Masuk</button>
    </form>
    <p class="small">Lupa kata sandi? Hubungi administrator Dinkominfo.
      Statistik untuk umum ada di <a href="/dashboard">dasbor</a>.</p>
  </main>`;
}

function Nav({ me, items, path }) {
  async function logout() {
    await fetch("/session", { method: "DELETE", credentials: "same-origin", headers: { "x-juara-csrf": "1" } });
    window.location.hash = "#/";
    window.location.reload();
  }
  return html`<nav class="nav" aria-label="Menu utama">
    <ul>${items.map(([href, text]) => html`<li><a href=${"#" + href}
      aria-current=${(href === "/" ? path === "/" : path.startsWith(href)) ? "page" : undefined}>${text}</a></li>`)}</ul>
    <div class="nav-user"><span>${me.fullName} · ${label(ROLES, me.role)}${me.institution ? " · " + me.institution.name : ""}</span>
      <button class="button button--secondary button--small" type="button" onClick=${logout}>Keluar</button></div>
  </nav>`;
}

function App() {
  const [me, setMe] = useState(undefined);
  const [expired, setExpired] = useState(false);
  const [path, setPath] = useState(currentPath());
  const [mod, setMod] = useState(null);
  const loadMe = () => gql(ME).then((d) => setMe(d.me), () => setMe(null));
  useEffect(() => {
    loadMe();
    onSessionExpired(() => { setExpired(true); setMe(null); });
    const onHash = () => { setPath(currentPath()); window.scrollTo(0, 0); };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    if (me && SCREENS[me.role]) SCREENS[me.role]().then((m) => setMod(m));
  }, [me && me.role]);
  if (me === undefined) return html`<main id="isi" tabindex="-1"><p role="status">Memuat…</p></main>`;
  if (!me) return html`<${Login} expired=${expired} onDone=${() => { setExpired(false); loadMe(); }} />`;
  if (!mod) return html`<main id="isi" tabindex="-1"><p role="status">Memuat…</p></main>`;
  const Screen = mod.route(path);
  return html`<${Nav} me=${me} items=${mod.NAV} path=${path} />
    <main id="isi" tabindex="-1" key=${path}><${Screen} me=${me} path=${path} /></main>`;
}

const root = document.getElementById("app");
root.textContent = "";
render(html`<${App} />`, root);
