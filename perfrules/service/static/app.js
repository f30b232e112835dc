// perfrules 自评 page: plain JavaScript, no build step, nothing loaded from elsewhere.
// Numbers stay exact: the actuals are kept as {__n: "31092.65"} and sent as raw JSON numbers.
"use strict";

const state = { spec: null, form: null, actuals: null, doc: null, timer: null, seq: 0, local: {} };
const $ = (id) => document.getElementById(id);
const NUMBER = /^-?\d+(\.\d+)?$/;

function lang() { return $("lang").value; }
function t(zh, en) { return lang() === "zh" ? zh : en; }

// the page's fixed words: Chinese in the HTML, English in data-en
function translate() {
  document.documentElement.lang = t("zh-CN", "en");
  for (const node of document.querySelectorAll("[data-en]")) {
    if (node.dataset.zh === undefined) node.dataset.zh = node.textContent;
    node.textContent = t(node.dataset.zh, node.dataset.en);
  }
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return node;
}

// ---- exact JSON -------------------------------------------------------------

function toJson(value) {
  return JSON.stringify(value).replace(/\{"__n":"(-?\d+(?:\.\d+)?)"\}/g, "$1");
}

function parseExact(text) {
  return JSON.parse(text, (key, value, ctx) =>
    typeof value === "number" ? { __n: ctx && ctx.source ? ctx.source : String(value) } : value);
}

function plain(v) { return v && typeof v === "object" && "__n" in v ? v.__n : v == null ? "" : String(v); }

// a key path as perfrules' problems write it: indicators.portal_updates.value, indicators."志愿".value
function pathOf(parts) {
  return parts.map((p, i) => {
    const s = /^[A-Za-z0-9_-]+$/.test(p) ? p : '"' + p.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
    return i ? "." + s : s;
  }).join("");
}

// ---- the API ----------------------------------------------------------------

async function api(path, body, opts) {
  const init = { method: "POST", headers: { "Content-Type": "application/json" }, body: body };
  const res = await fetch(path, Object.assign(init, opts || {}));
  return res;
}

async function jsonOf(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch (e) { return { error: { code: "malformed-json", message_zh: text } }; }
}

function specBody() { return { toml: state.spec }; }

// ---- errors at their fields -------------------------------------------------

function clearErrors() {
  for (const input of document.querySelectorAll(".invalid, .pending")) input.classList.remove("invalid", "pending");
  $("form-note").hidden = true;
  for (const msg of document.querySelectorAll(".msg")) msg.textContent = "";
  for (const id of ["form-error", "source-error"]) { $(id).hidden = true; $(id).textContent = ""; }
}

function fieldFor(path, message) {
  const inputs = [...document.querySelectorAll("[data-path]")];
  const exact = inputs.find((i) => i.dataset.path === path);
  if (exact) return exact;
  const inside = inputs.filter((i) => i.dataset.path.startsWith(path + "."));
  // a problem of a whole table (amounts) names the key it misses: the field of that key
  const named = inside.find((i) => message.includes(i.dataset.path.slice(path.length + 1).split(".")[0]));
  if (named || inside.length) return named || inside[0];
  return inputs.filter((i) => path.startsWith(i.dataset.path + ".")).pop() || null;
}

// errors the page found itself (a number that is not one): shown until the field is corrected
function showLocal() {
  for (const [path, [zh, en]] of Object.entries(state.local)) {
    const input = [...document.querySelectorAll("[data-path]")].find((i) => i.dataset.path === path);
    if (input && !input.classList.contains("invalid")) showField(input, t(zh, en));
  }
}

function isEmpty(input) { return (input.tagName === "INPUT" || input.tagName === "SELECT") && input.value === ""; }

function showField(input, text) {
  input.classList.add("invalid");
  const msg = input.parentElement.querySelector(".msg");
  if (msg) msg.textContent = msg.textContent ? msg.textContent + "；" + text : text;
}

function showProblems(doc, where) {
  const rest = [];
  const pending = new Set();
  const text = (p) => t(p.message_zh, p.message) + (p.location ? "（" + p.location + "）" : "");
  for (const p of doc.problems || []) {
    const input = p.file === "actuals.toml" && p.path ? fieldFor(p.path, p.message) : null;
    if (input && state.local[input.dataset.path]) continue; // its own error says more
    if (input && isEmpty(input)) pending.add(input); // not filled in yet: no error, a hint
    else if (input) showField(input, t(p.message_zh, p.message));
    else rest.push(text(p));
  }
  if (!doc.problems || !doc.problems.length) {
    const e = doc.error || {};
    rest.push(t(e.message_zh, e.message));
  }
  for (const input of pending) input.classList.add("pending");
  if (pending.size) {
    $("form-note").textContent = t("还有 " + pending.size + " 项未填写（黄框），填完即出分数。",
      pending.size + " field(s) still empty (yellow): the scores follow once they are filled in.");
    $("form-note").hidden = false;
  }
  if (rest.length) { $(where).textContent = rest.join("\n"); $(where).hidden = false; }
}

// ---- the form ---------------------------------------------------------------

function setIn(parts, value) {
  let node = state.actuals;
  for (const p of parts.slice(0, -1)) {
    if (!node[p] || typeof node[p] !== "object") node[p] = {};
    node = node[p];
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete node[last]; else node[last] = value;
}

function getIn(parts) {
  let node = state.actuals;
  for (const p of parts) { if (!node || typeof node !== "object") return undefined; node = node[p]; }
  return node;
}

function numberInput(parts, label) {
  const input = el("input", { inputmode: "decimal", "data-path": pathOf(parts) });
  input.setAttribute("aria-label", label);
  input.value = plain(getIn(parts));
  input.addEventListener("input", () => {
    const v = input.value.trim();
    input.classList.remove("invalid");
    const msg = input.parentElement.querySelector(".msg");
    if (msg) msg.textContent = "";
    delete state.local[input.dataset.path];
    if (v === "") setIn(parts, undefined);
    else if (NUMBER.test(v)) setIn(parts, { __n: v });
    else {
      state.local[input.dataset.path] = ["请填写数字，如 31092.65", "write a number, e.g. 31092.65"];
      setIn(parts, undefined); // the score waits for a number; the field keeps its error
      showLocal();
    }
    schedule();
  });
  return input;
}

function textInput(parts, label) {
  const input = el("input", { "data-path": pathOf(parts) });
  input.setAttribute("aria-label", label);
  input.value = plain(getIn(parts));
  input.addEventListener("input", () => { setIn(parts, input.value === "" ? undefined : input.value); schedule(); });
  return input;
}

function tierSelect(parts, label) {
  const select = el("select", { "data-path": pathOf(parts) }, el("option", { value: "" }, t("（请选择）", "(choose)")));
  select.setAttribute("aria-label", label);
  for (const t of state.form.tiers) select.append(el("option", { value: t }, t));
  select.value = plain(getIn(parts));
  select.addEventListener("change", () => { setIn(parts, select.value || undefined); schedule(); });
  return select;
}

function cell(control) { return el("td", {}, control, el("span", { class: "msg" })); }

function buildForm() {
  const form = state.form;
  const a = state.actuals;
  a.spec = a.spec || form.meta.id;
  if (a.year === undefined) a.year = { __n: String(form.meta.year) };
  a.indicators = a.indicators || {};
  $("spec-title").textContent = form.meta.title + t("（" + form.meta.unit + "，" + form.meta.year + "年度）", " (" + form.meta.unit + ", " + form.meta.year + ")");
  delete $("spec-title").dataset.en;
  $("budget-table").hidden = !form.budget_execution;
  if (form.budget_execution) {
    for (const key of ["full_year", "spent"]) {
      const old = $("budget-" + key);
      const fresh = numberInput(["budget", key], old.getAttribute("aria-label"));
      fresh.id = old.id;
      old.replaceWith(fresh);
    }
    $("budget-unit").textContent = plain(getIn(["budget", "unit"])) || "万元";
  }
  const amounts = $("amounts");
  amounts.replaceChildren();
  $("amounts-table").hidden = !form.amounts.length;
  for (const name of form.amounts) {
    const label = plain(getIn(["amounts", name, "label"])) || name;
    const input = numberInput(["amounts", name, "value"], label);
    input.id = "amount-" + name;
    amounts.append(el("tr", {}, el("th", { scope: "row" }, label), cell(input)));
  }
  const names = Object.fromEntries(form.categories.map((c) => [c.id, c]));
  const body = $("indicators");
  body.replaceChildren();
  for (const ind of form.indicators) {
    const cat = names[ind.category];
    const top = cat && cat.parent ? names[cat.parent] : cat;
    let control;
    if (ind.input === "value") control = numberInput(["indicators", ind.id, "value"], ind.name);
    else if (ind.input === "tier") control = tierSelect(["indicators", ind.id, "tier"], ind.name);
    else control = el("span", { class: "muted", "data-path": pathOf(["indicators", ind.id]) }, t("由金额计算：", "computed: ") + ind.formula);
    if (!a.indicators[ind.id]) a.indicators[ind.id] = {};
    control.id = "actual-" + ind.id;
    body.append(el("tr", { "data-id": ind.id },
      el("td", {}, top ? top.name : ""), el("td", {}, cat && cat.parent ? cat.name : ""),
      el("td", {}, ind.name), el("td", { class: "num" }, ind.weight), el("td", {}, ind.target),
      cell(control), cell(textInput(["indicators", ind.id, "text"], ind.name + t(" 完成情况", " notes")))));
  }
  $("form-section").hidden = false;
}

async function openSpec(text, actuals) {
  clearErrors();
  const res = await api("/api/v1/form", toJson({ spec: { toml: text } }));
  const doc = await jsonOf(res);
  if (!res.ok) { showProblems(doc, "source-error"); return; }
  state.spec = text;
  state.form = doc;
  state.actuals = actuals || {};
  state.local = {};
  buildForm();
  await evaluateNow();
}

// ---- evaluation -------------------------------------------------------------

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(evaluateNow, 250);
}

async function evaluateNow() {
  if (!state.spec) return;
  const seq = ++state.seq;
  const res = await api("/api/v1/evaluate", toJson({ spec: specBody(), actuals: { data: state.actuals } }));
  const doc = await jsonOf(res);
  if (seq !== state.seq) return; // a newer keystroke's answer wins
  clearErrors();
  showLocal();
  $("result").classList.toggle("stale", !res.ok); // the last scores, dimmed, until the input is whole again
  $("live").classList.toggle("stale", !res.ok);
  if (!res.ok) { showProblems(doc, "form-error"); return; }
  state.doc = doc;
  render(doc);
}

function reasonOf(row) { return (lang() === "zh" ? row.reason : row.reason_en) || ""; }

function render(doc) {
  $("result").hidden = false;
  $("total").textContent = doc.total;
  $("grade").textContent = doc.grade;
  $("live").textContent = t("总分 " + doc.total + " 分 · " + doc.grade, "total " + doc.total + " · " + doc.grade);
  $("lost").textContent = t("失分 " + doc.lost + " 分（满分 " + doc.total_weight + "）", doc.lost + " lost (of " + doc.total_weight + ")");
  const body = $("scores");
  body.replaceChildren();
  const rows = [];
  if (doc.budget_execution) rows.push(Object.assign({ id: "budget_execution", actual: doc.budget_execution.rate_display }, doc.budget_execution));
  for (const r of doc.indicators) rows.push(r);
  const byCat = {};
  for (const r of doc.indicators) (byCat[r.category] = byCat[r.category] || []).push(r);
  for (const r of rows) {
    const tr = el("tr", { "data-id": r.id, class: Number(r.lost) > 0 ? "lost" : "" },
      el("td", {}, r.name), el("td", { class: "num" }, r.weight), el("td", {}, r.actual || ""),
      el("td", { class: "num score" }, r.score), el("td", { class: "num lost" }, r.lost),
      el("td", { class: "reason" }, reasonOf(r)));
    tr.addEventListener("click", () => explain(r));
    body.append(tr);
  }
  const losses = $("losses");
  losses.replaceChildren();
  for (const l of doc.losses) losses.append(el("li", {}, l.name + t("：扣 " + l.lost + " 分", ": " + l.lost + " lost")));
  if (!doc.losses.length) losses.append(el("li", {}, t("无失分", "nothing lost")));
  const chart = $("chart");
  chart.replaceChildren();
  for (const c of doc.categories.filter((c) => c.level === 1)) {
    const share = Number(c.weight) > 0 ? Number(c.score) / Number(c.weight) : 0;
    const fill = el("div", { class: "fill" });
    fill.style.width = (share * 100).toFixed(1) + "%";
    chart.append(el("div", { class: "bar" }, el("span", {}, c.name), el("div", { class: "track" }, fill),
      el("span", { class: "num" }, c.score + "/" + c.weight)));
  }
  if (doc.budget_execution) {
    const b = doc.budget_execution;
    const fill = el("div", { class: "fill" });
    fill.style.width = (Number(b.score) / Number(b.weight) * 100).toFixed(1) + "%";
    chart.append(el("div", { class: "bar" }, el("span", {}, b.name), el("div", { class: "track" }, fill),
      el("span", { class: "num" }, b.score + "/" + b.weight)));
  }
}

function explain(row) {
  const box = $("explain");
  box.classList.remove("muted");
  const steps = el("ol");
  for (const s of row.steps || []) steps.append(el("li", {}, lang() === "zh" ? s.zh : s.en));
  const parts = [el("strong", {}, row.name + t("：得 " + row.score + " 分，扣 " + row.lost + " 分", ": " + row.score + " scored, " + row.lost + " lost")), steps];
  delete box.dataset.en;
  if (row.full_marks) parts.push(el("p", {}, lang() === "zh" ? row.full_marks.zh : row.full_marks.en));
  box.replaceChildren(...parts);
}

// ---- files in and out -------------------------------------------------------

async function download(res, fallback) {
  if (!res.ok) { showProblems(await jsonOf(res), "form-error"); return; }
  const blob = await res.blob();
  const header = res.headers.get("Content-Disposition") || "";
  const m = /filename\*=UTF-8''([^;]+)/.exec(header);
  const a = el("a", { href: URL.createObjectURL(blob), download: m ? decodeURIComponent(m[1]) : fallback });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

async function uploadWorkbook(file) {
  clearErrors();
  const fw = $("framework").value;
  const res = await fetch("/api/v1/import" + (fw ? "?framework=" + encodeURIComponent(fw) : ""), {
    method: "POST", body: file,
    headers: { "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
  });
  const text = await res.text();
  if (!res.ok) { showProblems(JSON.parse(text), "source-error"); return; }
  const doc = parseExact(text);
  await openSpec(doc.spec_toml, doc.actuals);
}

async function loadFrameworks() {
  const res = await fetch("/api/v1/frameworks");
  if (!res.ok) return;
  const doc = await res.json();
  for (const f of doc.frameworks.filter((f) => f.used)) $("framework").append(el("option", { value: f.id }, f.id + " " + f.title));
}

function readFile(input) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsText(input.files[0], "utf-8");
  });
}

async function loadExports() {  // docx only where the server has python-docx
  const res = await fetch("/api/v1");
  if (!res.ok) return;
  const formats = (await res.json()).exports;
  for (const b of document.querySelectorAll("[data-export]")) b.hidden = !formats.includes(b.dataset.export);
}

document.addEventListener("DOMContentLoaded", () => {
  loadFrameworks();
  loadExports();
  $("spec-file").addEventListener("change", async (e) => { if (e.target.files.length) await openSpec(await readFile(e.target)); });
  $("actuals-file").addEventListener("change", async (e) => {
    if (!e.target.files.length) return;
    clearErrors();
    if (!state.spec) { $("source-error").textContent = t("请先打开规范文件。", "open a spec first."); $("source-error").hidden = false; return; }
    await openActualsToml(await readFile(e.target));
  });
  $("xlsx-file").addEventListener("change", async (e) => { if (e.target.files.length) await uploadWorkbook(e.target.files[0]); });
  for (const b of document.querySelectorAll("[data-export]")) {
    b.addEventListener("click", async () => {
      const res = await api("/api/v1/export/" + b.dataset.export, toJson({ spec: specBody(), actuals: { data: state.actuals }, lang: lang() }));
      await download(res, "report." + b.dataset.export);
    });
  }
  $("download-json").addEventListener("click", async () => {
    const res = await api("/api/v1/evaluate", toJson({ spec: specBody(), actuals: { data: state.actuals } }));
    await download(res, "evaluation.json");
  });
  $("lang").addEventListener("change", () => {
    translate();
    if (state.form) buildForm();
    if (state.doc) render(state.doc);
  });
});

async function openActualsToml(text) {
  const res = await api("/api/v1/actuals", toJson({ spec: specBody(), actuals: text }));
  if (!res.ok) { showProblems(await jsonOf(res), "source-error"); return; }
  const doc = parseExact(await res.text());
  await openSpec(state.spec, doc.actuals);
}
