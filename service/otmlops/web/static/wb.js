// otmlops workbench: the little interactivity the pages need (no inline script anywhere).
// RAMI cells list their stages, ISA-95 nodes load their parts, the query console runs queries.

const ROOT = new URL(import.meta.url).pathname.replace(/\/ui\/static\/wb\.js$/, "");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function pageLink(term, page) {
  if (!term) return document.createTextNode("–");
  const text = term.label || term.iri || term.value || "";
  if (term.iri && page) {
    return el("a", { href: `${ROOT}/ui/${page}?iri=${encodeURIComponent(term.iri)}`, title: term.iri }, text);
  }
  return el("span", term.iri ? { title: term.iri } : {}, text);
}

// ---------------------------------------------------------------- RAMI cells
function initRami() {
  const panel = document.getElementById("cell-panel");
  if (!panel) return;
  document.querySelectorAll("a.cellbtn").forEach((link) => {
    link.addEventListener("click", async (ev) => {
      ev.preventDefault();  // without script the link opens the cell's own page
      document.querySelectorAll("a.cellbtn[aria-current]").forEach((b) => b.removeAttribute("aria-current"));
      link.setAttribute("aria-current", "true");
      panel.replaceChildren(el("p", { class: "note" }, "Loading…"));
      try {
        const r = await fetch(`${link.href}&fragment=1`);
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        const doc = new DOMParser().parseFromString(await r.text(), "text/html");
        panel.replaceChildren(...doc.body.childNodes);
      } catch (err) {
        panel.replaceChildren(el("p", { class: "problem", role: "alert" }, `Could not load the cell: ${err.message}`));
      }
      panel.focus();
    });
  });
  const select = document.getElementById("useCase");
  if (select) select.addEventListener("change", () => select.form.submit());
}

// ---------------------------------------------------------------- ISA-95 tree
function equipmentItem(e) {
  const li = el("li", { class: "eq", "data-iri": e.node.iri });
  if (e.parts) {
    const btn = el("button", { type: "button", class: "toggle", "aria-expanded": "false", "data-node": e.node.iri },
      el("span", { class: "sr" }, "Parts of "), e.node.label);
    btn.addEventListener("click", () => toggle(btn));
    li.append(btn);
  } else {
    li.append(el("span", { class: "leaf" }, e.node.label));
  }
  li.append(" ", el("span", { class: "eqkind" }, e.kind ? e.kind.label : "equipment"));
  if (e.parts) li.append(" ", el("span", { class: "parts" }, `${e.parts} part${e.parts === 1 ? "" : "s"}`));
  if (e.useCases.length) {
    const div = el("div", { class: "deployed" }, "Deployed: ");
    e.useCases.forEach((u, i) => { if (i) div.append(", "); div.append(pageLink(u, "use-case")); });
    if (e.stages.length) {
      div.append(" (");
      e.stages.forEach((s, i) => { if (i) div.append(", "); div.append(pageLink(s.stage, "stage")); });
      div.append(")");
    }
    li.append(div);
  }
  if (e.readers.length) {
    const div = el("div", { class: "readers" }, "Data read by: ");
    e.readers.forEach((r, i) => { if (i) div.append(", "); div.append(pageLink(r.stage, "stage")); });
    li.append(div);
  }
  return li;
}

async function toggle(btn) {
  const li = btn.closest("li");
  let kids = li.querySelector(":scope > ul.kids");
  if (btn.getAttribute("aria-expanded") === "true") {
    btn.setAttribute("aria-expanded", "false");
    if (kids) kids.hidden = true;
    return;
  }
  if (!kids) {
    btn.setAttribute("aria-busy", "true");
    try {
      const r = await fetch(`${ROOT}/ui/api/isa95/children?node=${encodeURIComponent(btn.dataset.node)}`);
      if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
      const data = await r.json();
      kids = el("ul", { class: "kids" });
      data.children.forEach((c) => kids.append(equipmentItem(c)));
      li.append(kids);
    } catch (err) {
      li.append(el("p", { class: "problem", role: "alert" }, `Could not load the parts: ${err.message}`));
      return;
    } finally {
      btn.removeAttribute("aria-busy");
    }
  }
  kids.hidden = false;
  btn.setAttribute("aria-expanded", "true");
}

function initTree() {
  document.querySelectorAll("button.toggle").forEach((btn) => {
    btn.addEventListener("click", () => toggle(btn));
  });
}

// ---------------------------------------------------------------- query console
let catalogue = null;
let selected = null;

async function loadCatalogue() {
  if (!catalogue) {
    const r = await fetch(`${ROOT}/queries`, { headers: { Accept: "application/json" } });
    catalogue = await r.json();
  }
  return catalogue;
}

function csvCell(v) {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

async function showResults(json, target, csvLink) {
  target.replaceChildren();
  if (json.boolean !== undefined) {
    target.append(el("p", { role: "status" }, `Answer: ${json.boolean}`));
    csvLink.hidden = true;
    return 1;
  }
  const vars = json.head.vars;
  const rows = json.results.bindings;
  const iris = new Set();
  rows.forEach((b) => vars.forEach((v) => { if (b[v] && b[v].type === "uri") iris.add(b[v].value); }));
  let labels = {};
  if (iris.size) {
    const r = await fetch(`${ROOT}/ui/api/labels`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ iris: [...iris].slice(0, 2000) }),
    });
    if (r.ok) (await r.json()).forEach((t) => { labels[t.iri] = t.label; });
  }
  const table = el("table", { id: "result-table" });
  table.append(el("caption", {}, `${rows.length} rows`));
  const head = el("tr");
  vars.forEach((v) => head.append(el("th", { scope: "col" }, v)));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  const csv = [vars.map(csvCell).join(",")];
  rows.forEach((b) => {
    const tr = el("tr");
    const line = [];
    vars.forEach((v) => {
      const t = b[v];
      const td = el("td");
      if (t) {
        if (t.type === "uri") {
          td.append(el("span", { title: t.value }, labels[t.value] || t.value));
        } else {
          td.append(t.value);
        }
        line.push(csvCell(t.value));
      } else {
        line.push("");
      }
      tr.append(td);
    });
    csv.push(line.join(","));
    body.append(tr);
  });
  table.append(body);
  target.append(table);
  if (csvLink.href.startsWith("blob:")) URL.revokeObjectURL(csvLink.href);
  csvLink.href = URL.createObjectURL(new Blob([csv.join("\r\n") + "\r\n"], { type: "text/csv" }));
  csvLink.hidden = false;
  return rows.length;
}

function initConsole() {
  const area = document.getElementById("sparql");
  if (!area) return;
  const prefixes = JSON.parse(area.dataset.prefixes || "{}");
  let editor = null;
  if (window.CodeMirror) {
    const hint = (cm) => {
      const cur = cm.getCursor();
      const line = cm.getLine(cur.line);
      let start = cur.ch;
      while (start > 0 && /[\w-]/.test(line.charAt(start - 1))) start -= 1;
      const word = line.slice(start, cur.ch).toLowerCase();
      const declaring = /^\s*prefix\s+[\w-]*$/i.test(line.slice(0, cur.ch));
      const list = Object.entries(prefixes)
        .filter(([p]) => p.startsWith(word))
        .map(([p, iri]) => ({ text: declaring ? `${p}: <${iri}>` : `${p}:`, displayText: `${p}: ${iri}` }));
      return { list, from: window.CodeMirror.Pos(cur.line, start), to: cur };
    };
    editor = window.CodeMirror.fromTextArea(area, {
      mode: "application/sparql-query", lineNumbers: true, indentUnit: 2,
      extraKeys: { "Ctrl-Space": (cm) => cm.showHint({ hint, completeSingle: false }), Tab: false, "Shift-Tab": false },
      screenReaderLabel: "SPARQL query",
    });
  }
  const getText = () => (editor ? editor.getValue() : area.value);
  const setText = (t) => { if (editor) editor.setValue(t); else area.value = t; };
  const params = document.getElementById("params");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const csvLink = document.getElementById("csv");

  async function choose(id) {
    const list = await loadCatalogue();
    const q = list.find((x) => x.id === id);
    if (!q) return;
    selected = q;
    setText(q.sparql);
    params.replaceChildren();
    const example = {};
    (q.examples[0] || "").split(/\s+/).filter(Boolean).forEach((a) => {
      const i = a.indexOf("=");
      example[a.slice(0, i)] = a.slice(i + 1);
    });
    if (q.params.length) {
      params.append(el("p", {}, `Parameters of “${q.title}” (they are bound when you run it unchanged):`));
      q.params.forEach((p) => {
        const input = el("input", { id: `param-${p.name}`, name: p.name, type: "text", size: "70",
          value: example[p.name] || p.default || "", "data-param": p.name });
        if (p.required) input.required = true;
        params.append(el("p", {}, el("label", { for: `param-${p.name}` }, `${p.name} (${p.type})`), " ", input,
          " ", el("span", { class: "note" }, p.description)));
      });
    }
    params.hidden = !q.params.length;
    status.textContent = `Loaded “${q.title}”.`;
  }
  document.querySelectorAll("button.example").forEach((b) => b.addEventListener("click", () => choose(b.dataset.id)));
  const wanted = new URLSearchParams(location.search).get("q");
  if (wanted) choose(wanted);

  document.getElementById("query-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = getText();
    const accept = { Accept: "application/sparql-results+json" };
    let request;
    if (selected && text === selected.sparql) {
      const qs = new URLSearchParams();
      params.querySelectorAll("input[data-param]").forEach((i) => { if (i.value) qs.append(i.dataset.param, i.value); });
      request = fetch(`${ROOT}/queries/${encodeURIComponent(selected.id)}?${qs}`, { headers: accept });
    } else {
      request = fetch(`${ROOT}/sparql`, {
        method: "POST", headers: { ...accept, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: text }),
      });
    }
    status.textContent = "Running…";
    const started = performance.now();
    try {
      const r = await request;
      const type = r.headers.get("content-type") || "";
      if (!r.ok) {
        const body = type.includes("json") ? (await r.json()).detail : await r.text();
        throw new Error(body);
      }
      if (!type.includes("sparql-results+json")) {
        results.replaceChildren(el("pre", {}, await r.text()));
        csvLink.hidden = true;
        status.textContent = "Done.";
        return;
      }
      const n = await showResults(await r.json(), results, csvLink);
      status.textContent = `${n} rows in ${Math.round(performance.now() - started)} ms.`;
    } catch (err) {
      results.replaceChildren(el("p", { class: "problem", role: "alert" }, err.message));
      status.textContent = "Failed.";
    }
  });
}

initRami();
initTree();
initConsole();
document.documentElement.dataset.ready = String(Math.round(performance.now()));
