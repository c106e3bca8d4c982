// Polls a document's status and shows the download link when it is ready. Without
// JavaScript the page offers a "Refresh" link instead.
(function () {
  "use strict";
  var box = document.getElementById("document-status");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  var messages = document.getElementById("document-messages").content;
  var text = document.getElementById("document-status-text");
  var download = document.getElementById("document-download");
  var refresh = document.getElementById("document-refresh");
  var delay = 1000;

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.finished) {
          var message = messages.querySelector('[data-status="' + data.status + '"]');
          text.textContent = message ? message.textContent : data.label;
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
