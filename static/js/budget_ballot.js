/* The live budget bar on the ballot page (progressive enhancement).
 *
 * Without this script the page works as it is: tick projects, "Check my ballot"
 * recomputes the total on the server. With it, the bar shows at once what is used
 * and what is left, and a project that the server would refuse cannot be ticked:
 * the box is unticked again and the page says why ("this project costs €X, you
 * have €Y left"). Every sentence comes from the page (data-msg-*), in its language.
 */
(function () {
  "use strict";

  function init() {
    var bar = document.querySelector("[data-ballot-bar]");
    var form = document.querySelector(".ballot-form");
    if (!bar || !form) return;
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name=project]"));
    var rule = bar.getAttribute("data-rule");
    var budget = parseInt(bar.getAttribute("data-budget"), 10) || 0;
    var max = parseInt(bar.getAttribute("data-max"), 10) || 0;
    var text = bar.querySelector("[data-bar-text]");
    var progress = bar.querySelector("[data-bar-progress]");
    var refusal = bar.querySelector("[data-bar-refusal]");
    // Amounts as the server writes them: the page gives 1234567 in its own format
    // ("€1.234.567", "1 234 567 €"...), from which the prefix, suffix and digit
    // grouping are read.
    var sample = bar.getAttribute("data-money-sample") || "€1,234,567";
    var first = sample.indexOf("1"), last = sample.lastIndexOf("7");
    var prefix = sample.slice(0, first), suffix = sample.slice(last + 1);
    var group = sample.charAt(first + 1);
    if (/[0-9]/.test(group)) group = "";
    function euro(n) {
      var negative = n < 0, digits = String(Math.abs(Math.round(n)));
      var out = "";
      while (digits.length > 3) {
        out = group + digits.slice(-3) + out;
        digits = digits.slice(0, -3);
      }
      return (negative ? "-" : "") + prefix + digits + out + suffix;
    }
    function fill(template, values) {
      return template.replace(/\{(\w+)\}/g, function (all, key) {
        return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
      });
    }
    function msg(name) { return bar.getAttribute("data-msg-" + name) || ""; }
    function cost(box) { return parseInt(box.getAttribute("data-cost"), 10) || 0; }

    function state() {
      var used = 0, count = 0;
      boxes.forEach(function (box) {
        if (box.checked) { used += cost(box); count += 1; }
      });
      return { used: used, count: count, left: budget - used };
    }

    // Why `box` (not ticked) cannot be added now; "" when it can.
    function why(box, s) {
      if (box.checked) return "";
      if (rule === "knapsack") {
        if (cost(box) > s.left) {
          return fill(msg("costs"), { cost: euro(cost(box)), left: euro(Math.max(s.left, 0)) });
        }
      } else if (max && s.count >= max) {
        return msg("full");
      }
      return "";
    }

    function render() {
      var s = state();
      if (rule === "knapsack") {
        var line = fill(msg("used"), { used: euro(s.used), budget: euro(budget), left: euro(Math.max(s.left, 0)) });
        if (s.left < 0) line += " " + fill(msg("over"), { over: euro(-s.left) });
        text.textContent = line;
        if (progress) progress.value = Math.min(s.used, budget);
      } else {
        text.textContent = msg("count").replace("987654321", String(s.count));
      }
      boxes.forEach(function (box) {
        var reason = why(box, s);
        var hint = document.getElementById(box.id + "-fit");
        var item = box.closest(".ballot-item");
        if (item) {
          item.classList.toggle("ballot-item-chosen", box.checked);
          item.classList.toggle("ballot-item-blocked", !!reason);
        }
        if (!hint) return;
        hint.textContent = reason;
        hint.hidden = !reason;
        if (reason) {
          box.setAttribute("aria-describedby", hint.id);
        } else {
          box.removeAttribute("aria-describedby");
        }
      });
    }

    form.addEventListener("change", function (event) {
      var box = event.target;
      if (!box || boxes.indexOf(box) < 0) return;
      if (box.checked) {
        box.checked = false;
        var reason = why(box, state());
        if (reason) {
          refusal.textContent = reason;
          refusal.hidden = false;
          render();
          return;
        }
        box.checked = true;
      }
      refusal.hidden = true;
      refusal.textContent = "";
      render();
    });
    text.setAttribute("aria-live", "polite");
    bar.classList.add("ballot-live");
    render();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
