// Saves each answer as soon as it changes, so that closing the tab loses nothing.
// Without JavaScript the "Enregistrer le brouillon" button saves the whole form.
(function () {
  "use strict";
  const form = document.getElementById("response-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const globalState = document.getElementById("save-state");
  const timers = new Map();
  let pending = 0;

  function timeNow() {
    return new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function countAnswered() {
    let n = 0;
    form.querySelectorAll("fieldset.item").forEach(function (fs) {
      const field = fs.querySelector("[name^='item-']");
      if (!field) return;
      if (field.type === "radio") { if (fs.querySelector("input[type=radio]:checked")) n += 1; }
      else if (field.value.trim() !== "") n += 1;
    });
    document.getElementById("answered-count").textContent = n;
  }

  async function save(fieldset, payload) {
    const state = fieldset.querySelector(".item-state");
    pending += 1;
    state.textContent = "Enregistrement…";
    state.classList.remove("error");
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(payload),
        credentials: "same-origin",
        keepalive: true,
      });
      const data = await response.json();
      if (data.ok) {
        state.textContent = "Enregistré à " + timeNow();
        fieldset.classList.remove("has-error");
        globalState.textContent = "Dernier enregistrement à " + timeNow() + ".";
      } else {
        state.textContent = data.error || "Réponse refusée.";
        state.classList.add("error");
        fieldset.classList.add("has-error");
      }
    } catch (err) {
      state.textContent = "Pas de connexion : la réponse n'est pas enregistrée. Réessayez ou utilisez « Enregistrer le brouillon ».";
      state.classList.add("error");
    } finally {
      pending -= 1;
      countAnswered();
    }
  }

  function schedule(field, delay) {
    const fieldset = field.closest("fieldset.item");
    const item = fieldset.dataset.item;
    const payload = { item: item };
    if (field.name.startsWith("comment-")) payload.comment = field.value;
    else payload.value = field.value;
    const key = field.name;
    const pendingTimer = timers.get(key);
    if (pendingTimer) clearTimeout(pendingTimer.id);
    const run = function () { timers.delete(key); save(fieldset, payload); };
    timers.set(key, { id: setTimeout(run, delay), run: run });
  }

  // Leaving the page (tab closed, reload, navigation): send what is still waiting for its delay.
  function flush() {
    Array.from(timers.values()).forEach(function (t) { clearTimeout(t.id); t.run(); });
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });
  form.addEventListener("focusout", function (event) {
    if (timers.has(event.target.name)) { const t = timers.get(event.target.name); clearTimeout(t.id); t.run(); }
  });

  form.addEventListener("change", function (event) {
    if (event.target.name) schedule(event.target, 0);
  });
  form.addEventListener("input", function (event) {
    const t = event.target;
    if (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type === "text")) schedule(t, 800);
  });
  window.addEventListener("beforeunload", function (event) {
    flush();
    if (pending > 0) { event.preventDefault(); event.returnValue = ""; }
  });
  document.body.dataset.autosaveReady = "1";
})();
