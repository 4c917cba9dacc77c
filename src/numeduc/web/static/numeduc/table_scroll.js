// Tables and charts wider than the screen (a phone, a comparison of four scenarios) scroll
// sideways inside their own box instead of widening the page. Each table of the page's content
// is put in a region labelled by its caption, and each chart's scroll box (numeduc.charts) is
// labelled by the chart's title; while the content is wider than its box, the box says so in
// words and can take the keyboard focus (arrow keys then scroll it), as WCAG asks of a
// scrollable region. Without JavaScript, numeduc.css lets a table scroll by itself.
(function () {
  "use strict";
  var boxes = [];

  function words(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function watch(box, label, what) {
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", label);
    var hint = document.createElement("p");
    hint.className = "table-scroll-hint";
    hint.textContent = what + " plus large que l'écran : faites-le défiler horizontalement.";
    hint.hidden = true;
    box.parentNode.insertBefore(hint, box);
    boxes.push({ box: box, hint: hint });
  }

  function update() {
    boxes.forEach(function (entry) {
      var scrolls = entry.box.scrollWidth > entry.box.clientWidth + 1;
      entry.hint.hidden = !scrolls;
      entry.box.classList.toggle("is-scrollable", scrolls);
      if (scrolls) {
        entry.box.setAttribute("tabindex", "0");
      } else {
        entry.box.removeAttribute("tabindex");
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table, index) {
    if (table.closest(".table-scroll, .nc-chart-scroll")) {
      return;
    }
    var box = document.createElement("div");
    box.className = "table-scroll";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    watch(box, words(table.querySelector("caption")) || "Tableau " + (index + 1), "Tableau");
  });
  Array.prototype.forEach.call(document.querySelectorAll("main .nc-chart-scroll"), function (box, index) {
    var figure = box.closest("figure");
    var title = figure && (figure.querySelector("figcaption") || figure.querySelector("svg title"));
    watch(box, words(title) || "Graphique " + (index + 1), "Graphique");
  });
  update();
  window.addEventListener("resize", update);
  // A closed <details> (a chart's data) has no width until opened.
  document.addEventListener("toggle", update, true);
})();
