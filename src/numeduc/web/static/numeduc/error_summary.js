// A form sent back with errors: move the focus to the summary's heading, so that a keyboard or
// screen-reader user starts from the list of fields to correct (each entry links to its field).
(function () {
  "use strict";
  var heading = document.getElementById("form-errors-title");
  if (heading) {
    heading.focus();
  }
})();
