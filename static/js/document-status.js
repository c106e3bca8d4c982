// Polls a document's status: shows the download link when it is ready, says so when the job
// is held up (and keeps polling), and stops when the document is ready or failed. The message
// (rendered by the server, in the page's language) replaces the old one only when the state
// changes, so a screen reader hears each change once. Without JavaScript the page offers a
// "Refresh" link instead.
(function () {
  "use strict";
  var box = document.getElementById("document-status");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  var text = document.getElementById("document-status-text");
  var download = document.getElementById("document-download");
  var refresh = document.getElementById("document-refresh");
  var delay = 1000;

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.state !== box.dataset.state) {
          box.dataset.state = data.state;
          text.innerHTML = data.message;
        }
        if (data.finished) {
          box.dataset.finished = "1";
          download.hidden = data.status !== "ready";
          refresh.hidden = true;
          if (data.status === "ready") {
            download.querySelector("a").focus();
          }
        } else {
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, delay);
})();
