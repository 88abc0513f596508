// Ideas: support buttons that update in place, and similar ideas as you type.
// Progressive enhancement only: without this file the same forms POST and redirect.
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  // --- Support / withdraw support, without a page reload -------------------
  function updateSupportBox(form, data) {
    var box = form.closest(".support-box");
    var count = box && box.querySelector("[data-support-count]");
    var status = box && box.querySelector("[data-support-status]");
    var button = form.querySelector("[data-support-button]");
    var note = box && box.querySelector("[data-support-note]");
    if (count && data.count_label) { count.textContent = data.count_label; }
    if (data.action) { form.setAttribute("action", data.action); }
    if (button && data.button_label) {
      var hidden = button.querySelector(".visually-hidden");
      button.textContent = data.button_label;
      if (hidden) { button.appendChild(hidden); }
      button.classList.toggle("button-secondary", !!data.supported);
    }
    if (note) { note.hidden = !data.supported; }
    if (status) { status.textContent = data.message || ""; }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-support-form]") || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector("[data-support-button]");
    if (button) { button.disabled = true; }
    var status = form.closest(".support-box").querySelector("[data-support-status]");
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          updateSupportBox(form, data);
        } else if (response.status === 401 && data.login_url) {
          window.location.assign(data.login_url);
        } else if (status) {
          status.textContent = data.message || form.dataset.errorMessage || "Error " + response.status;
        }
      });
    }).catch(function () {
      // Network problem: fall back to the plain form.
      form.submit();
    }).finally(function () {
      if (button) { button.disabled = false; }
    });
  });

  // --- Similar ideas while the citizen types ---------------------------------
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-similar-form]");
    var results = document.querySelector("[data-similar-results]");
    var texts = document.querySelector("[data-similar-templates]");
    if (!form || !results || !window.fetch) { return; }
    var title = form.querySelector("[name=title]");
    var body = form.querySelector("[name=body]");
    var url = form.dataset.similarUrl;
    var timer = null;
    var lastQuery = null;
    var controller = null;

    function render(data) {
      if (typeof data.html === "string") {
        // The server renders the same list as the preview step (escaped by
        // Jinja), with a support button per idea.
        results.innerHTML = data.html;
        return;
      }
      var ideas = data.ideas || [];
      results.textContent = "";
      if (!ideas.length) {
        var none = document.createElement("p");
        none.className = "muted";
        none.textContent = texts ? texts.dataset.none : "";
        results.appendChild(none);
        return;
      }
      var list = document.createElement("ul");
      list.className = "similar-list";
      ideas.forEach(function (idea) {
        var item = document.createElement("li");
        item.className = "similar-item";
        var link = document.createElement("a");
        link.href = idea.url;
        link.textContent = idea.title;
        var count = document.createElement("p");
        count.className = "hint";
        count.textContent = idea.support_label;
        item.appendChild(link);
        item.appendChild(count);
        list.appendChild(item);
      });
      results.appendChild(list);
    }

    function lookup() {
      var query = ((title ? title.value : "") + " " + (body ? body.value : "")).trim();
      if (query.length < 8 || query === lastQuery) { return; }
      lastQuery = query;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query.slice(0, 2000)), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        render(data);
      }).catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        results.textContent = "";
        var p = document.createElement("p");
        p.className = "muted";
        p.textContent = texts ? texts.dataset.error : "";
        results.appendChild(p);
      });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 500);
    }
    if (title) { title.addEventListener("input", schedule); }
    if (body) { body.addEventListener("input", schedule); }
  });
})();
