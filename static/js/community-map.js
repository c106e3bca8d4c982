// The map of needs and resources: areas, resources (by class) and needs (by severity) from the
// GeoJSON endpoint, with clustering. Works without tiles (a closed network): the shapes and pins
// show on a plain background. The list beside the map carries the same information for keyboard
// and screen-reader users.
(function () {
  "use strict";
  var box = document.getElementById("community-map");
  var L = window.L;
  if (!box || !L || !window.fetch) {
    return;
  }
  var labels = JSON.parse(document.getElementById("map-labels").textContent);
  var b = JSON.parse(box.dataset.bounds);
  // maxZoom on the map itself: clustering needs it when no tile layer sets one.
  var map = L.map(box, { scrollWheelZoom: false, maxZoom: 18 }).fitBounds([[b[0], b[1]], [b[2], b[3]]]);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
  }

  function line(parent, text, strong) {
    if (!text) {
      return;
    }
    var element = document.createElement(strong ? "strong" : "div");
    element.textContent = text;
    parent.appendChild(element);
  }

  // A phone number as a link staff and residents can tap: the server gives the text grouped for
  // reading ("61 283 00 00") and the link without spaces ("tel:+48612830000").
  function phoneLine(parent, text, href) {
    if (!text) {
      return;
    }
    if (!href) {
      line(parent, text);
      return;
    }
    var element = document.createElement("div");
    var link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    element.appendChild(link);
    parent.appendChild(element);
  }

  function pin(latlng, className, symbol, title) {
    return L.marker(latlng, {
      title: title,
      alt: title,
      icon: L.divIcon({
        className: "map-pin " + className,
        html: "<span aria-hidden=\"true\">" + symbol + "</span>",
        iconSize: [26, 26],
      }),
    });
  }

  function resourceMarker(feature) {
    var p = feature.properties;
    var c = feature.geometry.coordinates;
    var popup = document.createElement("div");
    line(popup, p.name, true);
    line(popup, labels.classes[p.class] + " · " + (labels.kinds[p.kind] || ""));
    line(popup, p.address);
    line(popup, p.hours);
    phoneLine(popup, p.phone, p.phone_href);
    if (p.public === false) {
      line(popup, labels.internal);
    }
    return pin([c[1], c[0]], "pin-" + p.class, labels.symbols[p.class], p.name).bindPopup(popup);
  }

  function needMarkers(feature) {
    var p = feature.properties;
    return feature.geometry.coordinates.map(function (c) {
      var popup = document.createElement("div");
      line(popup, p.title, true);
      line(popup, labels.severity + ": " + labels.severities[p.severity]);
      line(popup, labels.status + ": " + labels.statuses[p.status]);
      if (p.public === false) {
        line(popup, labels.internal);
      }
      return pin([c[1], c[0]], "pin-need pin-severity-" + p.severity, String(p.severity), p.title)
        .bindPopup(popup);
    });
  }

  fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    })
    .then(function (data) {
      var areas = L.geoJSON(null, {
        style: { color: "#1d2125", weight: 1.5, fillColor: "#0b4f8a", fillOpacity: 0.06 },
        onEachFeature: function (feature, layer) {
          var name = document.createElement("span");
          name.textContent = feature.properties.name;
          layer.bindTooltip(name, { sticky: true });
        },
      }).addTo(map);
      // Needs share their areas' centres: clustering spreads them out on a click.
      var cluster = function (radius, icon) {
        var options = { showCoverageOnHover: false, maxClusterRadius: radius };
        if (icon) {
          options.iconCreateFunction = icon;
        }
        return L.markerClusterGroup ? L.markerClusterGroup(options) : L.featureGroup();
      };
      var resources = cluster(60);
      // A group of needs: a dark square with "×N", unlike a single need's severity number.
      var needs = cluster(20, function (group) {
        return L.divIcon({
          className: "map-pin pin-need pin-need-group",
          html: "<span>×" + group.getChildCount() + "</span>",
          iconSize: [34, 28],
        });
      });
      data.features.forEach(function (feature) {
        var layer = feature.properties.layer;
        if (layer === "area") {
          areas.addData(feature);
        } else if (layer === "resource") {
          resources.addLayer(resourceMarker(feature));
        } else if (layer === "need") {
          needMarkers(feature).forEach(function (marker) { needs.addLayer(marker); });
        }
      });
      resources.addTo(map);
      needs.addTo(map);
      var overlays = {};
      overlays[labels.layers.areas] = areas;
      overlays[labels.layers.resources] = resources;
      overlays[labels.layers.needs] = needs;
      L.control.layers(null, overlays, { collapsed: false }).addTo(map);
      var extent = areas.getBounds();
      [resources, needs].forEach(function (group) {
        var bounds = group.getBounds();
        if (bounds.isValid()) {
          extent.extend(bounds);
        }
      });
      if (extent.isValid()) {
        map.fitBounds(extent, { padding: [16, 16], maxZoom: 15 });
      }
      box.dataset.loaded = String(data.features.length);
    })
    .catch(function (error) {
      box.dataset.loaded = "error";
      if (window.console) {
        window.console.error(error);
      }
      var note = document.getElementById("map-error");
      if (note) {
        note.hidden = false;
      }
    });
})();
