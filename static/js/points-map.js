// Points (partner venues, places in the guide) on a Leaflet map. Points show even when the
// tile server cannot be reached (a closed network): the map's grey background stays and the list gives the rest.
(function () {
  "use strict";
  var box = document.getElementById("points-map");
  var data = document.getElementById("points-data");
  if (!box || !data || !window.L) {
    return;
  }
  var points = JSON.parse(data.textContent);
  var map = window.L.map(box, { scrollWheelZoom: false });
  if (box.dataset.tiles) {
    window.L.tileLayer(box.dataset.tiles, {
      maxZoom: 19,
      attribution: box.dataset.attribution,
    }).addTo(map);
  }
  var bounds = [];
  points.forEach(function (point) {
    var marker = window.L.circleMarker([point.lat, point.lng], {
      radius: 9, color: "#083a66", weight: 2, fillColor: "#0b4f8a", fillOpacity: 0.9,
    }).addTo(map);
    var popup = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = point.name;
    popup.appendChild(name);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(point.address));
    marker.bindPopup(popup);
    bounds.push([point.lat, point.lng]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  }
})();
