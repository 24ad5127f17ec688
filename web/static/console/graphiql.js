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
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: "{\n  kecamatanList {\n    code\n    name\n  }\n}\n",
  }));
})();
