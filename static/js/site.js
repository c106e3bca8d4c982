// Moves focus to a form's error summary after a failed submit, so that screen-reader and
// keyboard users hear what went wrong and can jump to each field.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();

// "Print" buttons (inline handlers are not allowed by the Content-Security-Policy).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

// Forms that must not be sent twice by a double click (e.g. a whole week of hours).
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
    });
  });
})();

// A wide table that scrolls sideways must be reachable and named for keyboard and
// screen-reader users (WCAG 2.1.1, 4.1.2). Templates label their regions; this covers any
// scroller a template missed, taking the name from the table's caption.
(function () {
  "use strict";
  document.querySelectorAll(".table-responsive:not([role])").forEach(function (region) {
    var caption = region.querySelector("caption");
    region.setAttribute("role", "region");
    region.setAttribute("tabindex", "0");
    if (caption && !region.hasAttribute("aria-label")) {
      region.setAttribute("aria-label", caption.textContent.trim());
    }
  });
})();

// Tables marked .table-stack turn each row into a block when they do not fit their container
// (larger text, a phone), so that no button in the last column ends up out of view (WCAG 1.4.10).
(function () {
  "use strict";
  var tables = document.querySelectorAll("table.table-stack");
  if (!tables.length) {
    return;
  }
  function fit() {
    tables.forEach(function (table) {
      table.classList.remove("is-stacked");
      var container = table.parentElement;
      if (table.offsetWidth > container.clientWidth + 1 || container.scrollWidth > container.clientWidth + 1) {
        table.classList.add("is-stacked");
      }
    });
  }
  fit();
  var pending;
  window.addEventListener("resize", function () {
    window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(fit);
  });
})();
