/* The offline visit app (issue "Visits without signal"): households taken offline and visits captured with no
   signal live in IndexedDB (through idb, from npm) on this phone only; visits wait in an outbox, each with a UUID
   made here, until they are sent. The server saves a visit once per UUID, checks jurisdiction when it is sent, and
   answers a household that changed since the download with the changes, for the user to decide. */
(function () {
  "use strict";

  const app = document.getElementById("offline-app");
  if (!app) return;
  const T = JSON.parse(document.getElementById("offline-texts").textContent);
  const API = { session: app.dataset.session, households: app.dataset.households, visits: app.dataset.visits };
  const PHOTO_MAX_BYTES = Number(app.dataset.photoMaxBytes);
  const PHOTO_MAX_COUNT = Number(app.dataset.photoMaxCount);
  const SHOWN = 100; // households listed at once; the search finds the rest
  const $ = (id) => document.getElementById(id);
  const form = $("visit-form");

  let db = null;
  let session = null; // the server's answer about the signed-in user, when there is a network
  let current = null; // the household being visited
  let editing = null; // the outbox item being corrected
  let syncing = false;

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ""));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("data-")) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function notice(text, kind, link) {
    const box = $("notice");
    box.className = `alert alert-${kind || "info"}`;
    box.replaceChildren(document.createTextNode(text));
    if (link) box.append(" ", el("a", { href: link.href, text: link.text, class: "alert-link" }));
  }

  function newUuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function today() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  function shownTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  // ------------------------------------------------------------------------------------------------ the store

  async function openStore() {
    return idb.openDB("revitalization-offline", 1, {
      upgrade(store) {
        store.createObjectStore("meta");
        store.createObjectStore("households", { keyPath: "id" });
        store.createObjectStore("outbox", { keyPath: "uuid" });
      },
    });
  }

  async function clearHouseholds() {
    const tx = db.transaction(["meta", "households"], "readwrite");
    await Promise.all([tx.objectStore("meta").delete("download"), tx.objectStore("households").clear(), tx.done]);
  }

  async function clearAll() {
    const tx = db.transaction(["meta", "households", "outbox"], "readwrite");
    await Promise.all([
      tx.objectStore("meta").clear(),
      tx.objectStore("households").clear(),
      tx.objectStore("outbox").clear(),
      tx.done,
    ]);
  }

  // Households past ``offline.keep_days`` are deleted; visits not yet sent stay until they are sent or discarded.
  async function expireIfDue() {
    const meta = await db.get("meta", "download");
    if (meta && new Date(meta.expires_at) <= new Date()) {
      await clearHouseholds();
      notice(T.expired, "warning");
    }
  }

  // ------------------------------------------------------------------------------------------------ the server

  async function fetchSession() {
    let response;
    try {
      response = await fetch(API.session, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (error) {
      return { offline: true };
    }
    if (response.status === 401 || response.status === 403) return { login: true };
    if (!response.ok) return { offline: true };
    return response.json();
  }

  function loginNotice() {
    notice(T.login, "warning", { href: app.dataset.login, text: T.loginLink });
  }

  // A phone holds one user's data: another user's is deleted when they open the app.
  async function checkOwner() {
    const meta = await db.get("meta", "owner");
    if (session && session.user && meta && meta.user !== session.user) {
      await clearAll();
      notice(T.otherUser, "warning");
    }
    if (session && session.user) await db.put("meta", { user: session.user, name: session.name }, "owner");
  }

  async function download() {
    session = await fetchSession();
    if (session.offline) return notice(T.needOnline, "warning");
    if (session.login) return loginNotice();
    await checkOwner();
    const scope = $("scope").value;
    if (!scope) return notice(T.noScopes, "warning");
    $("download").disabled = true;
    try {
      const response = await fetch(`${API.households}?scope=${encodeURIComponent(scope)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok || !data.households) {
        return notice(fmt(T.downloadFailed, { message: data.detail || T.serverError }), "danger");
      }
      const tx = db.transaction(["meta", "households"], "readwrite");
      const households = tx.objectStore("households");
      await households.clear();
      for (const household of data.households) households.put(household);
      tx.objectStore("meta").put(
        {
          user: data.user,
          scope: data.scope,
          scope_label: data.scope_label,
          downloaded_at: data.downloaded_at,
          expires_at: data.expires_at,
          count: data.households.length,
          unmasked: data.unmasked,
        },
        "download",
      );
      await tx.done;
      notice(fmt(T.downloaded, { n: data.households.length, expires: shownTime(data.expires_at) }), "success");
    } catch (error) {
      notice(T.needOnline, "warning");
    } finally {
      $("download").disabled = false;
      await render();
    }
  }

  function visitBody(item, saveAnyway) {
    const body = new FormData();
    for (const [name, value] of item.fields) body.append(name, value);
    body.append("uuid", item.uuid);
    body.append("household", item.household);
    body.append("downloaded_at", item.base.downloaded_at || "");
    body.append("base_members", item.base.members);
    body.append("base_area", item.base.area);
    body.append("base_housing", item.base.housing_safety || "");
    if (item.owner) body.append("owner", item.owner);
    if (saveAnyway) {
      body.append("save_anyway", "1");
      for (const change of item.changes) body.append("seen_changes", change);
    }
    for (const photo of item.photos) body.append("photos", photo.blob, photo.name);
    return body;
  }

  // Sends one visit; the answer decides its state. A network failure leaves it waiting.
  async function send(item, saveAnyway) {
    let response;
    try {
      response = await fetch(API.visits, {
        method: "POST",
        body: visitBody(item, saveAnyway),
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": session.csrf_token },
      });
    } catch (error) {
      return "offline";
    }
    const data = await response.json().catch(() => ({}));
    if (data.status === "saved") {
      Object.assign(item, { state: "sent", url: data.url, sent_at: new Date().toISOString(), photos: [] });
      item.photo_count = item.photo_count || 0;
    } else if (data.status === "conflict") {
      Object.assign(item, { state: "conflict", changes: data.changes || [], final: data.can_save_anyway === false });
    } else if (data.status === "refused") {
      Object.assign(item, {
        state: "refused",
        message: data.message,
        errors: data.errors || {},
        final: data.can_correct === false,
      });
    } else if (response.status === 401 || response.status === 403) {
      return "login";
    } else {
      item.message = T.serverError;
      await db.put("outbox", item);
      return "error";
    }
    await db.put("outbox", item);
    return item.state;
  }

  async function sync(only, saveAnyway) {
    if (syncing) return;
    syncing = true; // before anything waits: the "online" event and a tap on 同步 come together
    $("sync").disabled = true;
    try {
      const all = await db.getAll("outbox");
      if (!all.some((item) => item.state === "waiting") && !only) {
        const open = all.filter((item) => item.state === "conflict" || item.state === "refused").length;
        return notice(open ? fmt(T.needsYou, { n: open }) : T.nothingToSync, open ? "warning" : "info");
      }
      notice(T.syncing, "info");
      session = await fetchSession();
      if (session.offline) return notice(T.offlineNow, "warning");
      if (session.login) return loginNotice();
      await checkOwner(); // another user's visits are deleted here, never sent under this login
      const items = only
        ? [await db.get("outbox", only.uuid)].filter(Boolean)
        : (await db.getAll("outbox")).filter((item) => item.state === "waiting");
      const counts = { sent: 0, conflict: 0, refused: 0 };
      for (const item of items) {
        const state = await send(item, saveAnyway);
        if (state === "offline") return notice(T.offlineNow, "warning");
        if (state === "login") return loginNotice();
        if (state in counts) counts[state] += 1;
      }
      const parts = [];
      if (counts.sent) parts.push(fmt(T.doneSent, { n: counts.sent }));
      if (counts.conflict) parts.push(fmt(T.doneConflict, { n: counts.conflict }));
      if (counts.refused) parts.push(fmt(T.doneRefused, { n: counts.refused }));
      notice(fmt(T.syncDone, { parts: parts.join(T.comma) }), counts.conflict || counts.refused ? "warning" : "success");
    } finally {
      syncing = false;
      $("sync").disabled = false;
      await render();
    }
  }

  // ------------------------------------------------------------------------------------------------ drawing

  async function renderStore() {
    const meta = await db.get("meta", "download");
    $("store-summary").textContent = meta
      ? fmt(T.summary, {
          n: meta.count,
          scope: meta.scope_label,
          downloaded: shownTime(meta.downloaded_at),
          expires: shownTime(meta.expires_at),
        })
      : T.empty;
    const select = $("scope");
    const chosen = select.value || (meta && meta.scope) || "";
    select.replaceChildren();
    const scopes = (session && session.scopes) || [];
    for (const scope of scopes) {
      select.append(el("option", { value: scope.key, text: fmt(T.scopeOption, { label: scope.label, n: scope.count }) }));
    }
    if (chosen) select.value = chosen;
    const canDownload = Boolean(session && session.can_go_offline && scopes.length);
    select.disabled = !canDownload;
    $("download").disabled = !canDownload;
    if (!scopes.length) select.append(el("option", { value: "", text: session && session.user ? T.noScopes : T.needOnline }));
    $("wipe").disabled = !meta && !(await db.count("outbox"));
  }

  function stateBadge(state) {
    const kinds = { waiting: "secondary", sent: "success", conflict: "warning", refused: "danger" };
    return el("span", { class: `badge text-bg-${kinds[state] || "secondary"}`, text: T.states[state] || state });
  }

  async function renderOutbox() {
    const items = (await db.getAll("outbox")).sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    const list = $("outbox");
    list.replaceChildren();
    const waiting = items.filter((item) => item.state === "waiting").length;
    try {
      // Read by the logout button on every page (behaviours.js), which warns before the data is deleted.
      window.localStorage.setItem("revitalization-offline-unsent", String(items.filter((i) => i.state !== "sent").length));
    } catch (error) {
      /* storage refused: the logout goes on without the warning */
    }
    $("outbox-count").textContent = waiting ? fmt(T.waitingCount, { n: waiting }) : "";
    $("outbox-empty").hidden = items.length > 0;
    for (const item of items) {
      const photos = item.state === "sent" ? item.photo_count : item.photos.length;
      const head = el(
        "div",
        { class: "d-flex flex-wrap gap-2 align-items-center" },
        stateBadge(item.state),
        el("span", { class: "fw-semibold text-break", text: item.label }),
        el("span", { class: "small text-muted", text: `${item.visited_on}${photos ? " · " + fmt(T.photos, { n: photos }) : ""}` }),
      );
      const row = el("li", { class: "list-group-item", "data-state": item.state, "data-uuid": item.uuid }, head);
      if (item.state === "sent" && item.url && navigator.onLine) {
        row.append(el("a", { class: "small", href: item.url, text: T.view }));
      }
      if (item.state === "conflict") {
        const changes = el("ul", { class: "small mb-2" });
        for (const change of item.changes) changes.append(el("li", { text: change }));
        row.append(el("div", { class: "small mt-2", text: T.conflictIntro }), changes);
        const choices = item.final ? [] : [["save", T.saveAnyway, "btn-warning"]];
        row.append(buttons(item, [...choices, ["discard", T.discard, "btn-outline-secondary"]]));
      }
      if (item.state === "refused") {
        row.append(el("div", { class: "small text-danger mt-2", text: item.message }));
        const choices = item.final ? [] : [["edit", T.edit, "btn-outline-primary"]];
        row.append(buttons(item, [...choices, ["discard", T.discard, "btn-outline-secondary"]]));
      }
      if (item.state === "waiting" && item.message) {
        row.append(el("div", { class: "small text-muted mt-1", text: item.message }));
      }
      list.append(row);
    }
  }

  function buttons(item, actions) {
    const box = el("div", { class: "d-flex flex-wrap gap-2" });
    for (const [action, label, style] of actions) {
      const button = el("button", { type: "button", class: `btn btn-sm ${style}`, text: label, "data-action": action });
      button.addEventListener("click", () => act(item.uuid, action));
      box.append(button);
    }
    return box;
  }

  async function act(uuid, action) {
    const item = await db.get("outbox", uuid);
    if (!item) return;
    if (action === "discard") {
      if (!window.confirm(T.discardConfirm)) return;
      await db.delete("outbox", uuid);
      return render();
    }
    if (action === "save") return sync(item, true);
    if (action === "edit") {
      // The household as downloaded; after it expired, only what the visit itself keeps (no members' data).
      const household = (await db.get("households", item.household)) || {
        id: item.household,
        no: "",
        head: item.label,
        area: item.base.area,
        members: [],
        risks: [],
      };
      return openVisit(household, item);
    }
  }

  function matches(household, query) {
    if (!query) return true;
    return household.no.includes(query) || household.head.includes(query) || (household.address || "").includes(query);
  }

  async function renderHouseholds() {
    const query = $("search").value.trim();
    const all = await db.getAll("households");
    const found = all.filter((household) => matches(household, query));
    const list = $("households");
    list.replaceChildren();
    for (const household of found.slice(0, SHOWN)) {
      const button = el("button", {
        type: "button",
        class: "list-group-item list-group-item-action",
        "data-household": String(household.id),
      });
      button.append(
        el("div", { class: "fw-semibold text-break", text: `${household.head} · ${household.no}` }),
        el("div", {
          class: "small text-muted text-break",
          text: [household.village, household.address, household.monitoring].filter(Boolean).join(" · "),
        }),
      );
      if (household.risks.length) {
        button.append(el("div", { class: "small text-danger", text: fmt(T.riskCount, { n: household.risks.length }) }));
      }
      button.addEventListener("click", () => openVisit(household, null));
      list.append(button);
    }
    $("households-more").textContent =
      found.length > SHOWN ? fmt(T.more, { n: found.length - SHOWN }) : all.length && !found.length ? T.noMatch : "";
  }

  function renderNet() {
    const online = navigator.onLine;
    $("net").textContent = online ? T.online : T.offline;
    $("net").className = `badge ${online ? "text-bg-light" : "text-bg-warning"}`;
  }

  async function render() {
    renderNet();
    if (db) await expireIfDue();
    await Promise.all([renderStore(), renderOutbox(), renderHouseholds()]);
  }

  // ------------------------------------------------------------------------------------------------ the visit

  function show(view) {
    $("notice").className = "alert d-none";
    $("view-home").hidden = view !== "home";
    $("view-visit").hidden = view !== "visit";
    window.scrollTo(0, 0);
  }

  function facts(household) {
    const box = $("visit-facts");
    box.replaceChildren();
    const risks = household.risks.map((r) => fmt(T.riskLine, { type: r.type, on: r.found_on })).join(T.listSep);
    const lines = [
      [T.address, [household.village, household.address].filter(Boolean).join(" ")],
      [T.monitoring, household.monitoring || T.notMonitored],
      [T.risks, risks || T.none],
      [T.lastVisit, household.last_visit || T.never],
      [T.due, household.visit_due || T.none],
    ];
    for (const [label, value] of lines) {
      box.append(el("div", { class: "text-break" }, el("span", { class: "text-muted", text: fmt(T.labelled, { label }) }), value));
    }
    const members = el("ul", { class: "list-unstyled mb-0 ms-2" });
    for (const m of household.members) {
      members.append(
        el("li", {
          class: "text-break",
          text: fmt(T.memberLine, { name: m.name, relationship: m.relationship, age: m.age, id: m.id_number }),
        }),
      );
    }
    const heading = fmt(T.labelled, { label: T.members }) + (household.members.length ? "" : T.none);
    box.append(el("div", { class: "text-muted", text: heading }), members);
  }

  function resetForm(household) {
    form.reset();
    clearErrors();
    form.elements.visited_on.value = today();
    if (household.housing_safety) form.elements.housing_safety.value = household.housing_safety;
  }

  function restore(fields) {
    for (const input of form.querySelectorAll("input[type=checkbox]")) input.checked = false;
    for (const [name, value] of fields) {
      const inputs = form.querySelectorAll(`[name="${name}"]`);
      for (const input of inputs) {
        if (input.type === "checkbox") input.checked = input.checked || input.value === value || value === "on";
        else if (input.type !== "file") input.value = value;
      }
    }
  }

  function showErrors(errors) {
    const summary = [];
    for (const [name, messages] of Object.entries(errors || {})) {
      const input = form.querySelector(`[name="${name}"]`);
      if (input) {
        input.classList.add("is-invalid");
        const holder = input.closest(".col-12, .col-md-4, .col-md-6, .card-body") || input.parentElement;
        for (const message of messages) {
          holder.append(el("div", { class: "invalid-feedback d-block offline-error", "data-field": name, text: message }));
        }
      } else {
        summary.push(...messages);
      }
    }
    const box = $("form-errors");
    box.textContent = summary.length ? summary.join(T.listSep) : T.fixErrors;
    box.classList.remove("d-none");
  }

  function openVisit(household, item) {
    if (!household) return notice(T.householdGone, "warning");
    current = household;
    editing = item;
    $("visit-household").textContent = household.no ? `${household.head} · ${household.no}` : household.head;
    facts(household);
    resetForm(household);
    if (item) {
      restore(item.fields);
      showErrors(item.errors);
      if (item.photos.length) $("form-errors").append(" ", fmt(T.photosKept, { n: item.photos.length }));
    }
    show("visit");
  }

  function photoProblems(files, kept) {
    const count = files.length || kept;
    if (count > PHOTO_MAX_COUNT) return fmt(T.photoTooMany, { limit: PHOTO_MAX_COUNT, count });
    for (const file of files) {
      if (file.size > PHOTO_MAX_BYTES) return fmt(T.photoTooBig, { name: file.name, mb: Math.round(PHOTO_MAX_BYTES / 1048576) });
    }
    return "";
  }

  // The online form's simple rules, checked before the visit leaves the household; the server stays the judge.
  function formProblems() {
    const errors = {};
    const visited = form.elements.visited_on.value;
    const next = form.elements.next_visit_on.value;
    const typed = [...form.querySelectorAll('[name="risk_types"]')].some((box) => box.checked);
    if (!visited) errors.visited_on = [T.dateRequired];
    else if (visited > today()) errors.visited_on = [T.dateFuture];
    if (visited && next && next <= visited) errors.next_visit_on = [T.nextAfter];
    if ((form.elements.risk_found.checked || typed) && !form.elements.risk_note.value.trim()) {
      errors.risk_note = [T.riskNote];
    }
    return errors;
  }

  function clearErrors() {
    for (const node of form.querySelectorAll(".is-invalid")) node.classList.remove("is-invalid");
    for (const node of form.querySelectorAll(".offline-error")) node.remove();
    $("form-errors").classList.add("d-none");
  }

  async function save(event) {
    event.preventDefault();
    clearErrors();
    const files = [...(form.elements.photos.files || [])];
    const problem = photoProblems(files, editing ? editing.photos.length : 0);
    const errors = formProblems();
    if (problem) errors.photos = [problem];
    if (Object.keys(errors).length) return showErrors(errors);
    const fields = [];
    for (const [name, value] of new FormData(form).entries()) if (typeof value === "string") fields.push([name, value]);
    const meta = await db.get("meta", "download");
    const owner = await db.get("meta", "owner");
    const household = current;
    const item = editing || {
      uuid: newUuid(),
      household: household.id,
      label: `${household.head} · ${household.no}`,
      created_at: new Date().toISOString(),
      base: {
        downloaded_at: meta ? meta.downloaded_at : "",
        members: household.members.map((m) => m.id).join(","),
        area: household.area,
        housing_safety: household.housing_safety || "",
      },
      owner: owner ? owner.user : meta ? meta.user : null,
      photos: [],
    };
    Object.assign(item, {
      fields,
      visited_on: form.elements.visited_on.value,
      state: "waiting",
      message: "",
      errors: {},
      changes: [],
      final: false,
    });
    if (files.length) item.photos = files.map((file) => ({ name: file.name, type: file.type, blob: file }));
    item.photo_count = item.photos.length;
    await db.put("outbox", item);
    editing = null;
    current = null;
    show("home");
    notice(T.saved, "success");
    await render();
    if (navigator.onLine) autoSync();
  }

  // ------------------------------------------------------------------------------------------------ start

  async function start() {
    db = await openStore();
    renderNet();
    await expireIfDue();
    // Sent visits are kept a day to show they arrived, then dropped.
    const dayAgo = new Date(Date.now() - 86400000).toISOString();
    for (const item of await db.getAll("outbox")) {
      if (item.state === "sent" && item.sent_at < dayAgo) await db.delete("outbox", item.uuid);
    }
    await render();
    session = await fetchSession();
    if (session.login) loginNotice();
    else if (!session.offline) {
      await checkOwner();
      if (!session.can_go_offline) notice(T.cannot, "warning");
    }
    await render();
    if (navigator.onLine && !session.offline && !session.login) autoSync();
  }

  // Sends what waits, without a word when nothing does (the app opening, the signal returning).
  async function autoSync() {
    if ((await db.getAll("outbox")).some((item) => item.state === "waiting")) sync();
  }

  $("download").addEventListener("click", download);
  $("sync").addEventListener("click", () => sync());
  $("search").addEventListener("input", renderHouseholds);
  $("back").addEventListener("click", () => show("home"));
  $("cancel").addEventListener("click", () => show("home"));
  $("wipe").addEventListener("click", async () => {
    if (!window.confirm(T.wipeConfirm)) return;
    await clearAll();
    notice(T.wiped, "info");
    await render();
  });
  form.addEventListener("submit", save);
  window.addEventListener("online", () => {
    renderNet();
    autoSync();
  });
  window.addEventListener("offline", renderNet);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && db) render();
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(app.dataset.sw, { scope: app.dataset.scope }).catch(() => {});
  }
  start();
})();
