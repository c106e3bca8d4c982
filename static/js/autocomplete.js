// Suggestions for search fields that replace long drop-downs (calportal/autocomplete.py):
// as the person types, ask the server for matching rows and fill the field's <datalist>.
// Without JavaScript the field still works as a plain text search.
(function () {
  "use strict";
  var MIN_LENGTH = 2;
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text === last || text.length < MIN_LENGTH || /#\d+$/.test(text)) return;
      last = text;
      clearTimeout(timer);
      timer = setTimeout(function () {
        var base = input.getAttribute("data-autocomplete-url");
        var url = base + (base.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(text);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            while (list.firstChild) list.removeChild(list.firstChild);
            (data.results || []).forEach(function (label) {
              var option = document.createElement("option");
              option.value = label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }
  document.querySelectorAll("input[data-autocomplete-url]").forEach(attach);
})();
