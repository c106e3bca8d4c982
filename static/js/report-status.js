// Polls a report run's status: the message (rendered by the server in the page's language)
// replaces the old one only when the state changes, so a screen reader hears each change once;
// polling stops when the figures and every file are ready or failed. Without JavaScript the
// page offers a "Refresh" link instead.
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box) {
    return;
  }
  var text = document.getElementById("report-status-text");
  var refresh = document.getElementById("report-refresh");
  var delay = 1000;
  var reloadWhenReady = false;

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.state !== box.dataset.state) {
          if (box.dataset.state && box.dataset.state.indexOf("ready") !== 0 && data.status === "ready") {
            reloadWhenReady = true;  // the figures arrived: show them once the files are done
          }
          box.dataset.state = data.state;
          text.innerHTML = data.message;
        }
        if (data.finished) {
          refresh.hidden = true;
          if (reloadWhenReady) {
            window.location.reload();
          }
        } else {
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
