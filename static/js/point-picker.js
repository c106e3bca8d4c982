// A point picker for staff forms: click the map to fill in latitude and longitude; typing the
// numbers moves the pin. The inputs stay the real (and keyboard-friendly) way to enter a point.
(function () {
  "use strict";
  var box = document.getElementById("point-picker");
  var L = window.L;
  var lat = document.querySelector("[data-point=latitude]");
  var lng = document.querySelector("[data-point=longitude]");
  if (!box || !L || !lat || !lng) {
    return;
  }
  var b = JSON.parse(box.dataset.bounds);
  var map = L.map(box).fitBounds([[b[0], b[1]], [b[2], b[3]]]);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
  }
  L.rectangle([[b[0], b[1]], [b[2], b[3]]], { color: "#6c757d", weight: 1, fill: false, interactive: false }).addTo(map);
  var marker = null;

  function parse(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function show() {
    var la = parse(lat);
    var ln = parse(lng);
    if (la === null || ln === null) {
      return;
    }
    if (marker) {
      marker.setLatLng([la, ln]);
    } else {
      marker = L.circleMarker([la, ln], { radius: 9, color: "#083a66", weight: 3, fillColor: "#0b4f8a", fillOpacity: 0.9 }).addTo(map);
    }
  }

  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lng.value = event.latlng.lng.toFixed(6);
    show();
  });
  lat.addEventListener("change", show);
  lng.addEventListener("change", show);
  show();
  if (marker) {
    map.setView(marker.getLatLng(), 15);
  }
})();
