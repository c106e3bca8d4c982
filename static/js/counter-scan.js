// Scans a pass's QR code in the page where the browser offers BarcodeDetector (Chrome on
// Android). Elsewhere the phone's own camera app opens the code's link, so nothing is lost.
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  var messages = document.getElementById("scan-messages").content;
  var text = function (key) {
    return messages.querySelector('[data-key="' + key + '"]').textContent;
  };
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  box.hidden = false;
  document.getElementById("scan-start").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        status.textContent = text("looking");
        return video.play().then(function () {
          // A few looks a second are plenty and spare the phone's battery.
          var look = function () {
            detector.detect(video).then(function (codes) {
              var found = codes.find(function (code) {
                try {
                  return new URL(code.rawValue).pathname.indexOf("/sps/") === 0;
                } catch (error) {
                  return false;
                }
              });
              if (found) {
                stream.getTracks().forEach(function (track) { track.stop(); });
                window.location.href = new URL(found.rawValue).pathname;
              } else {
                window.setTimeout(look, 250);
              }
            }).catch(function () { window.setTimeout(look, 1000); });
          };
          look();
        });
      })
      .catch(function () { status.textContent = text("denied"); });
  });
})();
