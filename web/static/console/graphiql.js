// Starts the vendored GraphiQL against this server's /graphql. A console session (cookie) is used when the
// CSRF header is present; a bearer token can be set in GraphiQL's headers tab instead.
(function () {
  function fetcher(params, options) {
    var headers = Object.assign({ "content-type": "application/json", "x-juara-csrf": "1" },
      (options && options.headers) || {});
    return fetch("/graphql", {
      method: "POST", headers: headers, body: JSON.stringify(params), credentials: "same-origin",
    }).then(function (r) { return r.json(); });
  }

  // CodeMirror types into a hidden textarea without a label; name each one after the editor it serves,
  // so a screen reader says which editor has the focus. GraphiQL adds editors later (tabs, the variables
  // and headers panes), hence the observer.
  var EDITORS = [
    [".graphiql-query-editor", "Editor kueri GraphQL"],
    [".graphiql-editor-tool > .graphiql-editor:nth-child(1)", "Editor variabel (JSON)"],
    [".graphiql-editor-tool > .graphiql-editor:nth-child(2)", "Editor header (JSON)"],
    [".result-window", "Hasil kueri"],
  ];
  function labelEditors(root) {
    EDITORS.forEach(function (pair) {
      root.querySelectorAll(pair[0]).forEach(function (editor) {
        editor.querySelectorAll(".CodeMirror textarea").forEach(function (area) {
          if (!area.hasAttribute("aria-label")) area.setAttribute("aria-label", pair[1]);
        });
      });
    });
    root.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (area) {
      area.setAttribute("aria-label", area.readOnly ? "Hasil kueri" : "Editor");
    });
    // A long result scrolls inside its pane: the pane takes the focus, so the arrow keys scroll it.
    root.querySelectorAll(".result-window .CodeMirror-scroll[tabindex='-1']").forEach(function (pane) {
      pane.setAttribute("tabindex", "0");
    });
  }

  var container = document.getElementById("graphiql");
  new MutationObserver(function () { labelEditors(container); }).observe(container, { childList: true, subtree: true });
  var root = ReactDOM.createRoot(container);
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: "{\n  kecamatanList {\n    code\n    name\n  }\n}\n",
  }));
})();
