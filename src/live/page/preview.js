// brief preview: shows the pages of the current build and keeps them current. The server
// sends the view (pages, problems, whether a build runs) on every change as a server-sent
// event; a page whose version changed is loaded in the background and swapped in when
// decoded, so nothing reloads and the scroll stays where it is. A click asks the server
// which line of the brief set the text under it.
"use strict";
(function () {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
  const token = meta("brief-token");
  const editor = meta("brief-editor") === "yes";
  const el = (id) => document.getElementById(id);
  const pages = el("pages");
  const figures = [];
  // For tests and the benchmark: when each page version was shown.
  const record = (window.briefPreview = { generation: -1, loads: [], view: null });
  let lastClick = null;

  function setStatus(text, kind) {
    el("status").textContent = text;
    document.body.classList.toggle("building", kind === "building");
    document.body.classList.toggle("failed", kind === "failed");
    document.body.classList.toggle("offline", kind === "offline");
  }

  function apply(view) {
    record.generation = view.generation;
    record.view = view;
    if (view.building) setStatus(view.started ? "building…" : "first build…", "building");
    else if (view.problems) setStatus(view.summary, "failed");
    else setStatus(`up to date · ${view.summary}`, "ok");
    const panel = el("problems");
    if (view.problems) {
      const n = view.problems.errors;
      el("problems-title").textContent = `Not built: ${n} problem${n === 1 ? "" : "s"}`;
      el("problems-text").textContent = view.problems.text;
      panel.hidden = false;
    } else {
      panel.hidden = true;
    }
    showPages(view.pages);
  }

  function showPages(list) {
    while (figures.length < list.length) {
      const figure = document.createElement("figure");
      figure.className = "page";
      figure.dataset.page = String(figures.length + 1);
      figure.addEventListener("click", (event) => click(figure, event));
      pages.appendChild(figure);
      figures.push(figure);
    }
    while (figures.length > list.length) figures.pop().remove();
    list.forEach((page, i) => {
      const figure = figures[i];
      figure.dataset.width = page.width;
      figure.dataset.height = page.height;
      figure.style.aspectRatio = `${page.width} / ${page.height}`;
      if (figure.dataset.wanted === page.version) return;
      figure.dataset.wanted = page.version;
      const img = new Image();
      img.alt = `page ${i + 1}`;
      img.draggable = false;
      img.src = `/page/${i + 1}.svg?v=${page.version}`;
      img.decode().catch(() => {}).then(() => {
        if (figure.dataset.wanted !== page.version) return; // a newer build came meanwhile
        const old = figure.querySelector("img");
        if (old) old.replaceWith(img);
        else figure.prepend(img);
        figure.dataset.version = page.version;
        record.loads.push({ page: i + 1, version: page.version, at: Date.now() });
      });
    });
  }

  function click(figure, event) {
    const box = figure.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * Number(figure.dataset.width);
    const y = ((event.clientY - box.top) / box.height) * Number(figure.dataset.height);
    const page = Number(figure.dataset.page);
    mark(figure, event.clientX - box.left, event.clientY - box.top);
    lastClick = { page, x, y };
    fetch(`/locate?page=${page}&x=${x.toFixed(2)}&y=${y.toFixed(2)}`)
      .then((r) => r.json())
      .then(showSource)
      .catch(() => showMessage("the preview is not running"));
  }

  function mark(figure, x, y) {
    document.querySelectorAll("figure.page .mark").forEach((m) => m.remove());
    const dot = document.createElement("span");
    dot.className = "mark";
    dot.style.left = `${x}px`;
    dot.style.top = `${y}px`;
    figure.appendChild(dot);
  }

  function describe(place) {
    const why = place.default ? " (the template's default)" : "";
    return `<b>${escape(place.at)}</b> <span class="path">${escape(place.path)}${why}</span>`;
  }

  function showSource(found) {
    const text = el("source-text");
    el("open").hidden = true;
    el("copy").hidden = true;
    if (found.found === "one") {
      text.innerHTML = describe(found.place);
      text.dataset.at = found.place.at;
      el("copy").hidden = false;
      copy(found.place.at);
      if (editor && found.place.openable) {
        el("open").hidden = false;
        open();
      }
    } else if (found.found === "ambiguous") {
      text.innerHTML = `This text is printed from ${found.places.length} places:<ul>${found.places
        .map((p) => `<li>${describe(p)}</li>`)
        .join("")}</ul>`;
      text.dataset.at = "";
    } else {
      text.textContent = found.message;
      text.dataset.at = "";
    }
    el("source").hidden = false;
  }

  function showMessage(message) {
    el("source-text").textContent = message;
    el("source").hidden = false;
  }

  function copy(at) {
    if (navigator.clipboard) navigator.clipboard.writeText(at).catch(() => {});
  }

  function open() {
    if (!lastClick) return;
    fetch("/open", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Brief-Token": token },
      body: JSON.stringify(lastClick),
    })
      .then((r) => r.json())
      .then((answer) => {
        if (!answer.opened) showMessage(answer.message);
      })
      .catch(() => {});
  }

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  el("copy").addEventListener("click", () => copy(el("source-text").dataset.at || ""));
  el("open").addEventListener("click", open);
  el("close").addEventListener("click", () => {
    el("source").hidden = true;
    document.querySelectorAll("figure.page .mark").forEach((m) => m.remove());
  });

  const events = new EventSource("/events");
  events.addEventListener("view", (event) => apply(JSON.parse(event.data)));
  events.addEventListener("error", () => setStatus("disconnected: is brief preview running?", "offline"));
})();
