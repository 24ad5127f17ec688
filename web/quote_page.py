"""The public quote page: GET /kutipan/{token}, where an institution's head types the quote for a draft.

No login: the token in the link is the permission. Server-rendered Indonesian HTML; a small vendored-free
script (web/static/kutipan/kutipan.js, no inline script: the CSP forbids it) sends the form to the
GraphQL `submitQuote`. An unknown, used or expired token shows the same "not valid" page.
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from service.errors import UserInputError
from service.press import quotes

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    # The token is in the path: never send it on to another site, never keep it in a shared cache.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def _page(title: str, main: str) -> str:
    return f"""<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{escape(title)} – Purbalingga Juara</title>
<link rel="stylesheet" href="/static/kutipan/kutipan.css">
</head>
<body>
<header class="kop"><p>PEMERINTAH KABUPATEN PURBALINGGA<br>DINAS KOMUNIKASI DAN INFORMATIKA</p></header>
<main id="isi">
{main}
</main>
</body>
</html>
"""


def _form(page: quotes.QuotePage, token: str) -> str:
    expires = page.expires_at.strftime("%d/%m/%Y")
    return f"""<h1>Kutipan untuk rilis berita</h1>
<p>Yth. {escape(page.recipient_name)}, {escape(page.recipient_position)}.</p>
<p>Redaksi Dinkominfo Purbalingga sedang menyiapkan berita berjudul:</p>
<p class="judul">{escape(page.release_title)}</p>
<p>Mohon tuliskan tanggapan Anda atas prestasi ini dalam satu sampai tiga kalimat. Kutipan akan dimuat dalam
berita dengan nama dan jabatan di bawah. Tautan ini hanya dapat dipakai sekali, berlaku sampai {expires}.</p>
<div id="ringkasan-galat" class="galat" role="alert" tabindex="-1" hidden></div>
<form id="form-kutipan" method="post" action="/graphql" data-token="{escape(token)}" novalidate>
  <div class="isian">
    <label for="text">Kutipan</label>
    <p class="petunjuk" id="text-petunjuk">Tanpa tanda petik. Contoh: Kami bangga atas kerja keras anak-anak.</p>
    <textarea id="text" name="text" rows="6" maxlength="2000" required aria-describedby="text-petunjuk"></textarea>
  </div>
  <div class="isian">
    <label for="speakerName">Nama lengkap</label>
    <input id="speakerName" name="speakerName" type="text" maxlength="200" required autocomplete="name"
      value="{escape(page.recipient_name)}">
  </div>
  <div class="isian">
    <label for="speakerPosition">Jabatan</label>
    <input id="speakerPosition" name="speakerPosition" type="text" maxlength="200" required
      autocomplete="organization-title" value="{escape(page.recipient_position)}">
  </div>
  <button type="submit">Kirim kutipan</button>
  <noscript><p class="galat">Halaman ini memerlukan JavaScript untuk mengirim kutipan. Bila tidak bisa,
  balas pesan redaksi dengan kutipan Anda.</p></noscript>
</form>
<div id="terkirim" hidden tabindex="-1">
  <h2>Terima kasih</h2>
  <p>Kutipan Anda sudah diterima redaksi dan akan ditinjau sebelum berita diterbitkan.</p>
</div>
<script src="/static/kutipan/kutipan.js" defer></script>
"""


async def quote_page(request: Request) -> HTMLResponse:
    token = request.path_params["token"]
    try:
        page = await quotes.quote_page(token)
    except UserInputError:
        body = _page("Tautan tidak berlaku", """<h1>Tautan tidak berlaku</h1>
<p>Tautan kutipan ini tidak ditemukan, sudah dipakai, atau sudah kedaluwarsa.</p>
<p>Mintalah tautan baru kepada redaksi Dinkominfo Purbalingga.</p>""")
        return HTMLResponse(body, status_code=404, headers=HEADERS)
    return HTMLResponse(_page("Kutipan untuk rilis berita", _form(page, token)), headers=HEADERS)
