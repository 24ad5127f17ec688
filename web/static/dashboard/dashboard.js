// Dasbor prestasi: reads the public (VERIFIED) numbers from POST /graphql and draws them with ECharts.
(function () {
  "use strict";

  var STATS_QUERY = [
    "query Dasbor($f: StatsFilter) { stats(filter: $f) {",
    "  total",
    "  byKecamatan { kecamatan { code name } count points }",
    "  byLevel { key label count points }",
    "  byCategory { key label count points }",
    "  byYear { key label count points }",
    "  topInstitutions(limit: 10) { position count points institution { name kecamatan { name } } }",
    "} }"
  ].join("\n");
  var OPTIONS_QUERY = "query Pilihan { categories { id name } stats { byYear { key } byLevel { key label } } }";

  var charts = {};
  var geoLoaded = false;
  var number = new Intl.NumberFormat("id-ID");

  function $(id) { return document.getElementById(id); }

  function setStatus(text) { $("status").textContent = text; }

  function graphql(query, variables) {
    return fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ query: query, variables: variables || {} })
    }).then(function (resp) { return resp.json(); }).then(function (body) {
      if (body.errors && body.errors.length) { throw new Error(body.errors[0].message); }
      return body.data;
    });
  }

  function chart(id) {
    if (!charts[id]) { charts[id] = echarts.init($(id), null, { renderer: "svg" }); }
    return charts[id];
  }

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }

  function currentFilter() {
    var f = {};
    if ($("filter-year").value) { f.year = parseInt($("filter-year").value, 10); }
    if ($("filter-level").value) { f.level = $("filter-level").value; }
    if ($("filter-category").value) { f.categoryId = $("filter-category").value; }
    return f;
  }

  function updateExportLinks(f) {
    var statsParams = new URLSearchParams();
    var listParams = new URLSearchParams();
    if (f.year) {
      statsParams.set("year", f.year);
      listParams.set("dateFrom", f.year + "-01-01");
      listParams.set("dateTo", f.year + "-12-31");
    }
    ["level", "categoryId"].forEach(function (k) {
      if (f[k]) { statsParams.set(k, f[k]); listParams.set(k, f[k]); }
    });
    $("export-stats").href = "/exports/stats.xlsx" + (statsParams.toString() ? "?" + statsParams : "");
    $("export-list").href = "/exports/achievements.xlsx" + (listParams.toString() ? "?" + listParams : "");
  }

  function barChart(id, buckets, color) {
    chart(id).setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) {
          var b = buckets[items[0].dataIndex];
          return b.label + "<br>Prestasi: " + number.format(b.count) + "<br>Poin: " + number.format(b.points);
        } },
      grid: { left: 56, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: buckets.map(function (b) { return b.label; }),
        axisLabel: { interval: 0, rotate: buckets.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1, name: "Prestasi" },
      series: [{ type: "bar", name: "Prestasi", itemStyle: { color: color },
        data: buckets.map(function (b) { return b.count; }) }]
    }, true);
  }

  function drawMap(rows) {
    var kecRows = rows.filter(function (r) { return r.kecamatan; });
    var narrow = window.innerWidth < 600;
    var max = Math.max.apply(null, kecRows.map(function (r) { return r.points; }).concat([1]));
    chart("map").setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        var d = p.data || { count: 0, value: 0 };
        return "Kecamatan " + p.name + "<br>Prestasi: " + number.format(d.count || 0) +
          "<br>Poin: " + number.format(d.value || 0);
      } },
      // The legend lies under the map, never over it; on a phone the whole map fits the width.
      visualMap: { min: 0, max: max, left: "center", bottom: 4, orient: "horizontal", itemWidth: 12, itemHeight: 120,
        text: ["Poin tinggi", "Rendah"], calculable: true, inRange: { color: ["#e8f5e9", "#66bb6a", "#0b5d3b"] } },
      series: [{
        type: "map", map: "purbalingga", nameProperty: "nama", roam: true,
        top: 4, bottom: 56,
        label: { show: true, fontSize: narrow ? 9 : 11, color: "#1d2630" },
        emphasis: { label: { show: true, fontWeight: "bold" } },
        data: kecRows.map(function (r) {
          var item = { name: r.kecamatan.name, value: r.points, count: r.count };
          if (LABEL_OFFSETS[item.name]) item.label = { offset: LABEL_OFFSETS[item.name] };
          return item;
        })
      }]
    }, true);
  }

  // Two kecamatan whose centres lie close together in the west: their names are nudged apart (pixels).
  var LABEL_OFFSETS = { "Mrebet": [6, -4], "Bojongsari": [-12, 8] };

  function fillTables(stats) {
    var kec = stats.byKecamatan.filter(function (r) { return r.kecamatan; }).slice().sort(function (a, b) {
      return (b.points - a.points) || (b.count - a.count);
    });
    var body = $("kecamatan-table").querySelector("tbody");
    body.innerHTML = "";
    kec.forEach(function (r, i) {
      var tr = document.createElement("tr");
      [i + 1, r.kecamatan.name, number.format(r.count), number.format(r.points)].forEach(function (v) {
        var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var ib = $("institution-table").querySelector("tbody");
    ib.innerHTML = "";
    stats.topInstitutions.forEach(function (r) {
      var tr = document.createElement("tr");
      var kecName = r.institution.kecamatan ? r.institution.kecamatan.name : "Tingkat Kabupaten";
      [r.position, r.institution.name, kecName, number.format(r.count), number.format(r.points)].forEach(function (v) {
        var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      });
      ib.appendChild(tr);
    });
    if (!stats.topInstitutions.length) {
      var tr = document.createElement("tr");
      var td = document.createElement("td"); td.colSpan = 5; td.textContent = "Belum ada prestasi untuk pilihan ini.";
      tr.appendChild(td); ib.appendChild(tr);
    }
    var totalPoints = stats.byLevel.reduce(function (s, b) { return s + b.points; }, 0);
    $("total").textContent = number.format(stats.total);
    $("total-points").textContent = number.format(totalPoints);
    $("best-kecamatan").textContent = kec.length && kec[0].points > 0 ? kec[0].kecamatan.name : "–";
  }

  function refresh() {
    var f = currentFilter();
    updateExportLinks(f);
    $("map").setAttribute("data-ready", "false");
    setStatus("Memuat data…");
    return graphql(STATS_QUERY, { f: f }).then(function (data) {
      var s = data.stats;
      drawMap(s.byKecamatan);
      barChart("chart-level", s.byLevel, "#1e88e5");
      barChart("chart-category", s.byCategory, "#8e24aa");
      barChart("chart-year", s.byYear, "#f4511e");
      fillTables(s);
      window.juaraDashboard = { filter: f, stats: s };
      $("map").setAttribute("data-filter", JSON.stringify(f));
      $("map").setAttribute("data-ready", "true");
      setStatus("Menampilkan " + number.format(s.total) + " prestasi terverifikasi.");
    }).catch(function (err) {
      setStatus("Data tidak dapat dimuat: " + err.message);
    });
  }

  function init() {
    Promise.all([
      fetch("/dashboard/kecamatan.geojson").then(function (r) { return r.json(); }),
      graphql(OPTIONS_QUERY)
    ]).then(function (res) {
      echarts.registerMap("purbalingga", res[0]);
      geoLoaded = true;
      var opts = res[1];
      opts.stats.byYear.slice().reverse().forEach(function (b) { option($("filter-year"), b.key, b.key); });
      opts.stats.byLevel.forEach(function (b) { option($("filter-level"), b.key, b.label); });
      opts.categories.forEach(function (c) { option($("filter-category"), c.id, c.name); });
      ["filter-year", "filter-level", "filter-category"].forEach(function (id) {
        $(id).addEventListener("change", refresh);
      });
      window.addEventListener("resize", function () {
        Object.keys(charts).forEach(function (k) { charts[k].resize(); });
      });
      return refresh();
    }).catch(function (err) {
      setStatus("Dasbor tidak dapat dimuat: " + err.message + (geoLoaded ? "" : " (peta)"));
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
