// {% terme %} bubbles: Escape hides the open explanation without moving the focus or the
// pointer (WCAG 1.4.13: content shown on hover or focus can be dismissed); it shows again once
// the pointer or the focus has left the term and comes back. The bubbles work without this
// script (CSS :hover and :focus-within).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".terme:hover, .terme:focus-within").forEach(function (term) {
      term.classList.add("terme-ferme");
    });
  });
  // mouseleave does not bubble: listen in the capture phase.
  document.addEventListener(
    "mouseleave",
    function (event) {
      if (event.target.classList && event.target.classList.contains("terme")) {
        event.target.classList.remove("terme-ferme");
      }
    },
    true
  );
  document.addEventListener("focusout", function (event) {
    var term = event.target.closest && event.target.closest(".terme");
    if (term && !term.contains(event.relatedTarget)) term.classList.remove("terme-ferme");
  });
})();
