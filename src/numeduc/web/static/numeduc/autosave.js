// Saves each answer as soon as it changes, so that closing the tab loses nothing.
// Without JavaScript the "Enregistrer le brouillon" button saves the whole form.
//
// A save the server could not make (5xx, 429) or that never reached it (network) is sent
// again with a growing delay until it is acknowledged; a newer value of the same field
// replaces the waiting one. A save that the server refuses on purpose (4xx: invalid value,
// closed campaign) is not retried: its message is shown under the question. The page says
// which of these happened, never « pas de connexion » when the server did answer.
(function () {
  "use strict";
  const form = document.getElementById("response-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const globalState = document.getElementById("save-state");
  const submitForm = document.getElementById("submit-form");
  const timers = new Map();   // field name -> {id, run}: typed, waiting for its delay
  const queue = new Map();    // field name -> {fieldset, payload, attempt}: to send or resend
  const inFlight = new Set(); // field names being sent now
  const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];

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

  function unsaved() { return timers.size + queue.size + inFlight.size; }

  function showState(state, text, isError) {
    state.textContent = text;
    state.classList.toggle("error", Boolean(isError));
  }

  function updateGlobal(text) {
    const waiting = queue.size + inFlight.size;
    if (text) globalState.textContent = text;
    else if (waiting > 0) globalState.textContent = waiting + " réponse(s) en cours d'enregistrement…";
    document.body.dataset.unsaved = String(unsaved());
  }

  // One request for one field; on a temporary failure the field goes back to the queue.
  async function send(name) {
    const entry = queue.get(name);
    if (!entry || inFlight.has(name)) return;
    queue.delete(name);
    inFlight.add(name);
    const state = entry.fieldset.querySelector(".item-state");
    showState(state, entry.attempt === 0 ? "Enregistrement…" : "Nouvel essai d'enregistrement…", false);
    updateGlobal();
    let outcome;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        body: JSON.stringify(entry.payload),
        credentials: "same-origin",
        keepalive: true,
      });
      let data = null;
      try { data = await response.json(); } catch (err) { data = null; }
      if (response.ok && data && data.ok) outcome = { kind: "saved" };
      else if (response.status >= 500 || response.status === 429 || response.status === 408) outcome = { kind: "server" };
      else if (response.status === 403 && !(data && data.error)) outcome = { kind: "refused", error: "Session expirée ou formulaire trop ancien : rechargez la page (vos réponses enregistrées sont conservées)." };
      else outcome = { kind: "refused", error: (data && data.error) || ("Réponse refusée par le serveur (code " + response.status + ").") };
    } catch (err) {
      outcome = { kind: "network" };
    }
    inFlight.delete(name);
    const newer = queue.has(name); // typed again while this one was on its way
    if (outcome.kind === "saved") {
      if (!newer) {
        showState(state, "Enregistré à " + timeNow(), false);
        entry.fieldset.classList.remove("has-error");
      }
      updateGlobal(unsaved() === 0 ? "Dernier enregistrement à " + timeNow() + "." : null);
    } else if (outcome.kind === "refused") {
      if (!newer) {
        showState(state, outcome.error, true);
        entry.fieldset.classList.add("has-error");
      }
      updateGlobal();
    } else {
      const delay = RETRY_DELAYS_MS[Math.min(entry.attempt, RETRY_DELAYS_MS.length - 1)];
      const seconds = Math.round(delay / 100) / 10;
      const why = outcome.kind === "server"
        ? "Le serveur n'a pas pu enregistrer cette réponse"
        : "Le serveur ne répond pas (connexion interrompue ?)";
      if (!newer) {
        showState(state, why + " : nouvel essai dans " + String(seconds).replace(".", ",") + " s… Ne fermez pas la page.", true);
        queue.set(name, { fieldset: entry.fieldset, payload: entry.payload, attempt: entry.attempt + 1 });
      }
      updateGlobal(why + " : nouvel essai automatique en cours.");
      setTimeout(function () { send(name); }, delay);
      return;
    }
    if (newer) send(name);
    countAnswered();
    document.dispatchEvent(new CustomEvent("numeduc:saved"));
  }

  function enqueue(fieldset, name, payload) {
    queue.set(name, { fieldset: fieldset, payload: payload, attempt: 0 });
    updateGlobal();
    send(name);
  }

  function schedule(field, delay) {
    const fieldset = field.closest("fieldset.item");
    const payload = { item: fieldset.dataset.item };
    if (field.name.startsWith("comment-")) payload.comment = field.value;
    else payload.value = field.value;
    const key = field.name;
    const pendingTimer = timers.get(key);
    if (pendingTimer) clearTimeout(pendingTimer.id);
    const run = function () { timers.delete(key); enqueue(fieldset, key, payload); };
    timers.set(key, { id: setTimeout(run, delay), run: run });
    updateGlobal();
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
    if (unsaved() > 0) { event.preventDefault(); event.returnValue = ""; }
  });

  // Submitting while answers are still on their way would check an incomplete response:
  // wait until every save is acknowledged (or refused), then submit.
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      flush();
      if (queue.size + inFlight.size === 0) return;
      event.preventDefault();
      updateGlobal("Transmission dès que toutes les réponses sont enregistrées…");
      const retry = function () {
        if (queue.size + inFlight.size === 0) {
          document.removeEventListener("numeduc:saved", retry);
          submitForm.submit();
        }
      };
      document.addEventListener("numeduc:saved", retry);
    });
  }
  document.body.dataset.autosaveReady = "1";
})();
