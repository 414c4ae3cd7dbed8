/* The incident page's map: the province (vendored district GeoJSON), the incident and each team's last position.
   Data comes from the page's JSON block (no inline script: the Content-Security-Policy allows this site's files only). */
(function () {
  "use strict";
  var el = document.getElementById("incident-map"), data = document.getElementById("incident-map-data");
  if (!el || !data || typeof echarts === "undefined") return;
  var d = JSON.parse(data.textContent), chart = echarts.init(el);
  fetch(el.dataset.mapUrl).then(function (r) { return r.json(); }).then(function (geo) {
    echarts.registerMap("ningxia", geo);
    var teams = d.teams.map(function (t) { return { name: t[2], value: [t[0], t[1]] }; });
    chart.setOption({
      geo: { map: "ningxia", roam: true, itemStyle: { areaColor: "#f1f5f9", borderColor: "#94a3b8" }, center: d.incident, zoom: 4 },
      tooltip: { trigger: "item", formatter: function (p) { return p.name; } },
      series: [
        { type: "effectScatter", coordinateSystem: "geo", symbolSize: 14, itemStyle: { color: "#b91c1c" },
          data: [{ name: d.title, value: d.incident }] },
        { type: "scatter", coordinateSystem: "geo", symbolSize: 10, itemStyle: { color: "#1d4ed8" },
          label: { show: true, formatter: "{b}", position: "right" }, data: teams }
      ]
    });
  }).catch(function () { el.textContent = ""; });
})();
