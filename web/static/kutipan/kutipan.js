// The quote page's one script: sends the form to GraphQL submitQuote and shows the answer in Indonesian.
"use strict";
(function () {
  var form = document.getElementById("form-kutipan");
  if (!form) { return; }
  var summary = document.getElementById("ringkasan-galat");
  var done = document.getElementById("terkirim");
  var LABELS = { text: "Kutipan", speakerName: "Nama lengkap", speakerPosition: "Jabatan" };
  var MUTATION = "mutation($token: String!, $input: QuoteInput!) { submitQuote(token: $token, input: $input) " +
    "{ ok errors { field code message } } }";

  function showErrors(errors) {
    summary.textContent = "";
    var title = document.createElement("p");
    title.textContent = "Periksa isian berikut:";
    summary.appendChild(title);
    var list = document.createElement("ul");
    errors.forEach(function (error) {
      var item = document.createElement("li");
      var target = error.field && document.getElementById(error.field);
      if (target) {
        var link = document.createElement("a");
        link.href = "#" + error.field;
        link.textContent = (LABELS[error.field] ? LABELS[error.field] + ": " : "") + error.message;
        item.appendChild(link);
        target.setAttribute("aria-invalid", "true");
      } else {
        item.textContent = error.message;
      }
      list.appendChild(item);
    });
    summary.appendChild(list);
    summary.hidden = false;
    summary.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = {
      text: form.elements.text.value.trim(),
      speakerName: form.elements.speakerName.value.trim(),
      speakerPosition: form.elements.speakerPosition.value.trim()
    };
    var missing = Object.keys(input).filter(function (key) { return !input[key]; }).map(function (key) {
      return { field: key, message: "wajib diisi." };
    });
    if (missing.length) { showErrors(missing); return; }
    var button = form.querySelector("button");
    button.disabled = true;
    fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: MUTATION, variables: { token: form.dataset.token, input: input } })
    }).then(function (response) { return response.json(); }).then(function (answer) {
      var payload = answer.data && answer.data.submitQuote;
      if (payload && payload.ok) {
        form.hidden = true;
        summary.hidden = true;
        done.hidden = false;
        done.focus();
        return;
      }
      showErrors((payload && payload.errors) || [{ message: "Kutipan belum terkirim. Coba lagi sebentar lagi." }]);
    }).catch(function () {
      showErrors([{ message: "Kutipan belum terkirim: periksa sambungan internet, lalu coba lagi." }]);
    }).then(function () { button.disabled = false; });
  });
})();
