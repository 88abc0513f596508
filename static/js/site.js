// Progressive enhancement only: every flow works without this file.
(function () {
  "use strict";
  // Move focus to the first error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
