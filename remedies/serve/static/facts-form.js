/* The facts form, built in the browser from the facts JSON Schema (GET schema/facts).

   Nothing here names a field or a word of the vocabulary: every control comes from the schema,
   whose word lists are the vocabulary's, so a word added to a ruleset appears with no code change.
   Each change sends the facts as JSON to POST assess and shows the proposal; the facts and the
   report download through POST facts.yaml and POST report. */
"use strict";

(function () {
  const DELAY_MS = 350; // wait for a pause in typing before assessing
  let defs = {};
  let root = null; // the form's top node
  let edits = 0; // changes made to the form so far
  let busy = false; // an assessment is on its way: the next waits for it, so requests never pile up
  let again = false;
  let nextId = 0;

  const byId = (id) => document.getElementById(id);
  const uid = () => "f" + (++nextId);

  function make(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c) el.append(c);
    return el;
  }

  /* ---- reading the schema ---- */

  function resolve(s) {
    while (s && s.$ref) s = defs[s.$ref.split("/").pop()];
    return s || {};
  }

  /* The schema of a property without its "or null", merged with what the property says of itself. */
  function unwrap(prop) {
    const own = resolve(prop);
    let s = own;
    let nullable = false;
    if (own.anyOf) {
      const alts = own.anyOf.filter((a) => a.type !== "null");
      nullable = alts.length < own.anyOf.length;
      s = alts.length === 1 ? resolve(alts[0]) : { anyOf: alts.map(resolve) };
    }
    return {
      s, nullable,
      description: prop.description || own.description || s.description,
      examples: prop.examples || s.examples,
      hasDefault: "default" in prop,
      dflt: prop.default,
    };
  }

  /* The allowed values of a choice: [{value, description}] from oneOf consts or an enum, else null. */
  function choices(s) {
    if (Array.isArray(s.oneOf) && s.oneOf.length && s.oneOf.every((o) => "const" in o))
      return s.oneOf.map((o) => ({ value: o.const, description: o.description }));
    if (Array.isArray(s.enum)) return s.enum.map((v) => ({ value: v }));
    return null;
  }

  function kindOf(s) {
    if (s.anyOf) {
      const isDate = (a) => a.type === "string" && a.format === "date";
      if (s.anyOf.some(isDate) && s.anyOf.some((a) => "const" in a)) return "date-or-word";
      if (s.anyOf.some((a) => a.type === "number")) return "decimal";
      return "text";
    }
    if (choices(s)) return "choice";
    if (s.properties) return "object";
    if (s.type === "array") return choices(resolve(s.items)) ? "words" : "list";
    if (s.type === "string" && s.format === "date") return "date";
    if (s.type === "boolean") return "boolean";
    if (s.type === "integer") return "integer";
    return "text";
  }

  /* "stage1_response" → "Stage 1 response" */
  function labelFor(key) {
    const t = String(key).replace(/_/g, " ").replace(/([a-z])(\d)/g, "$1 $2");
    return t.charAt(0).toUpperCase() + t.slice(1);
  }

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  /* [key, schema] of an object's properties, in the order a facts file gives them (the schema's keys are sorted). */
  function properties(s) {
    const at = (p) => (typeof p.propertyOrder === "number" ? p.propertyOrder : Infinity);
    return Object.entries(s.properties || {}).sort((a, b) => at(a[1]) - at(b[1]));
  }

  /* ---- building the controls: each node is {el, value(path), set(value), focus()} ----
     value(path) reads the control (undefined: leave the field out) and tags it with its path, so a
     problem the service names by path can be linked to it; set(value) fills it from a facts file. */

  function hint(info) {
    if (!info.description) return null;
    return make("p", { class: "hint", id: uid(), text: info.description });
  }

  function field(label, control, info, extraClass) {
    const h = hint(info);
    if (h) control.setAttribute("aria-describedby", h.id);
    const wrap = make("div", { class: "field" + (extraClass ? " " + extraClass : "") });
    if (control.type === "checkbox") wrap.append(make("label", {}, control, " " + label));
    else wrap.append(make("label", { for: control.id, text: label }));
    if (h) wrap.append(h);
    if (control.type !== "checkbox") wrap.append(control);
    return wrap;
  }

  /* A node's value, left out when it is the schema's default (so the facts stay as short as a hand-written file). */
  function orDefault(info, v) {
    if (v === undefined) return undefined;
    if (info.hasDefault && same(v, info.dflt)) return undefined;
    return v;
  }

  function mark(el, path) { el.dataset.path = path.join("."); }

  function buildChoice(label, info, required) {
    const sel = make("select", { id: uid(), required: required && !info.nullable });
    const opts = choices(info.s);
    if (!info.hasDefault || info.dflt === null)
      sel.append(make("option", { value: "", text: info.nullable ? "(none)" : "Choose…" }));
    for (const o of opts) {
      const text = o.description ? `${o.value} — ${o.description}` : String(o.value);
      sel.append(make("option", { value: String(o.value), text, selected: info.hasDefault && same(o.value, info.dflt) }));
    }
    return {
      el: field(label, sel, info),
      value(path) {
        mark(sel, path);
        const found = opts.find((o) => String(o.value) === sel.value);
        return orDefault(info, found ? found.value : undefined);
      },
      set(v) { sel.value = v === undefined || v === null ? (info.hasDefault && info.dflt !== null ? String(info.dflt) : "") : String(v); },
      focus: () => sel.focus(),
    };
  }

  /* Words from the vocabulary, any number of them: ticked in a fold whose summary says which are chosen. */
  function buildWords(label, info) {
    const opts = choices(resolve(info.s.items));
    const order = []; // the words in the order they were ticked, as a caseworker lists them
    const box = make("fieldset", { class: "words" }, make("legend", { text: label }));
    const h = hint(info);
    if (h) { box.append(h); box.setAttribute("aria-describedby", h.id); }
    const list = make("div", { class: "word-list" });
    const inputs = [];
    const summary = make("summary");
    const tick = (cb, on) => {
      const word = opts[inputs.indexOf(cb)].value;
      const i = order.indexOf(word);
      if (on && i < 0) order.push(word);
      if (!on && i >= 0) order.splice(i, 1);
      showChosen();
    };
    const showChosen = () => { summary.textContent = `${label}: ${order.length ? order.join(", ") : "none chosen"}`; };
    for (const o of opts) {
      const cb = make("input", { type: "checkbox", value: String(o.value), id: uid() });
      cb.addEventListener("change", () => tick(cb, cb.checked));
      inputs.push(cb);
      list.append(make("div", { class: "word" }, cb, make("label", { for: cb.id },
        make("code", { text: String(o.value) }), o.description ? make("span", { text: " " + o.description }) : null)));
    }
    box.append(list);
    showChosen();
    const fold = make("details", { class: "words" }, summary, box);
    return {
      el: fold,
      value(path) { mark(box, path); return order.length ? order.slice() : undefined; },
      set(v) {
        for (const cb of inputs) { cb.checked = false; tick(cb, false); }
        for (const word of v || []) {
          const cb = inputs[opts.findIndex((o) => same(o.value, word))];
          if (cb) { cb.checked = true; tick(cb, true); }
        }
      },
      focus: () => { fold.open = true; if (inputs[0]) inputs[0].focus(); },
    };
  }

  function buildInput(label, info, required, attrs, parse) {
    const input = make("input", { id: uid(), required: required && !info.nullable, ...attrs });
    const wrap = field(label, input, info);
    if (info.examples) { // suggestions, not a closed list (a landlord with no policy is allowed)
      const dl = make("datalist", { id: uid() });
      for (const x of info.examples) dl.append(make("option", { value: String(x) }));
      input.setAttribute("list", dl.id);
      wrap.append(dl);
    }
    return {
      el: wrap,
      value(path) {
        mark(input, path);
        const raw = input.value.trim();
        return orDefault(info, raw === "" ? undefined : parse(raw));
      },
      set(v) { input.value = v === undefined || v === null ? "" : String(v); },
      focus: () => input.focus(),
    };
  }

  // a number the caseworker typed, or the text as typed so that the server names the mistake
  const asInteger = (raw) => (/^-?\d+$/.test(raw) ? Number(raw) : raw);
  const asDecimal = (raw) => (/^\d+(\.\d{1,2})?$/.test(raw) ? Number(raw) : raw);
  const asText = (raw) => raw;

  function buildBoolean(label, info) {
    if (info.nullable) { // true, false or not known
      const sel = make("select", { id: uid() },
        make("option", { value: "", text: "not known" }),
        make("option", { value: "true", text: "yes" }),
        make("option", { value: "false", text: "no" }));
      return {
        el: field(label, sel, info),
        value(path) { mark(sel, path); return sel.value === "" ? undefined : sel.value === "true"; },
        set(v) { sel.value = v === true ? "true" : v === false ? "false" : ""; },
        focus: () => sel.focus(),
      };
    }
    const cb = make("input", { type: "checkbox", id: uid(), checked: info.dflt === true });
    return {
      el: field(label, cb, info, "check"),
      value(path) { mark(cb, path); return orDefault(info, cb.checked); },
      set(v) { cb.checked = v === undefined ? info.dflt === true : v === true; },
      focus: () => cb.focus(),
    };
  }

  /* A date, or a word such as "never" in its place. */
  function buildDateOrWord(label, info) {
    const date = make("input", { type: "date", id: uid() });
    const words = info.s.anyOf.filter((a) => "const" in a).map((a) => a.const);
    const wrap = field(label, date, info);
    const ticks = words.map((w) => {
      const cb = make("input", { type: "checkbox", id: uid() });
      cb.addEventListener("change", () => {
        date.disabled = ticks.some((t) => t.cb.checked);
        if (cb.checked) for (const t of ticks) if (t.cb !== cb) t.cb.checked = false;
      });
      wrap.append(make("div", { class: "or-word" }, cb, make("label", { for: cb.id, text: `${label}: ${w}` })));
      return { cb, w };
    });
    return {
      el: wrap,
      value(path) {
        mark(date, path);
        const t = ticks.find((x) => x.cb.checked);
        if (t) return t.w;
        return date.value === "" ? undefined : date.value;
      },
      set(v) {
        for (const t of ticks) t.cb.checked = t.w === v;
        date.disabled = ticks.some((t) => t.cb.checked);
        date.value = typeof v === "string" && !words.includes(v) ? v : "";
      },
      focus: () => date.focus(),
    };
  }

  function buildObject(label, info, required, level) {
    const s = info.s;
    const needs = s.required || [];
    const children = properties(s).map(([key, prop]) =>
      ({ key, node: build(key, prop, needs.includes(key), level + 1) }));
    let el;
    if (level === 0) { // a step of the form: a section with a heading
      el = make("section", { class: "step", "aria-labelledby": uid() });
      el.append(make("h2", { id: el.getAttribute("aria-labelledby"), text: label }));
    } else {
      el = make("fieldset", { class: "group" }, make("legend", { text: label }));
    }
    const h = hint(info);
    if (h) el.append(h);
    for (const c of children) el.append(c.node.el);
    return {
      el,
      legend: el.firstChild,
      value(path) {
        mark(el, path);
        const out = {};
        for (const c of children) {
          const v = c.node.value([...path, c.key]);
          if (v !== undefined) out[c.key] = v;
        }
        if (Object.keys(out).length === 0 && !required) return undefined;
        return out;
      },
      set(v) { for (const c of children) c.node.set(v ? v[c.key] : undefined); },
      focus: () => children[0] && children[0].node.focus(),
    };
  }

  /* A list: of objects (complaints, elements, failures, offers…) or of single values (dates, ids). */
  function buildList(label, info, level) {
    const itemSchema = resolve(info.s.items);
    const ofObjects = !!itemSchema.properties;
    // "Add a failure" for a list of things; "Add a date (Chased)" for a list of values
    const noun = ofObjects ? (itemSchema.title || label).toLowerCase() : (itemSchema.format === "date" ? "date" : "value");
    const Noun = ofObjects ? labelFor(noun) : label;
    const items = [];
    const el = level === 0
      ? make("section", { class: "step list-step" }, make("h2", { id: uid(), text: label }))
      : make("fieldset", { class: "list" }, make("legend", { text: label }));
    if (level === 0) el.setAttribute("aria-labelledby", el.firstChild.id);
    const h = hint({ description: info.description || itemSchema.description });
    if (h) el.append(h);
    const holder = make(ofObjects ? "div" : "ul", { class: ofObjects ? "items" : "values" });
    const add = make("button", { type: "button", class: "add",
      text: `Add ${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}` + (ofObjects ? "" : ` (${label})`) });
    el.append(holder, add);

    function relabel() {
      items.forEach((it, i) => {
        const name = `${Noun} ${i + 1}`;
        if (it.node.legend) it.node.legend.textContent = name;
        else it.node.el.querySelector("label").textContent = name;
        it.remove.textContent = `Remove ${ofObjects ? noun : label.toLowerCase()} ${i + 1}`;
      });
    }

    function addItem() {
      const node = ofObjects
        ? buildObject(Noun, { s: itemSchema, description: null }, true, level + 1)
        : build(noun, info.s.items, true, level + 1);
      const remove = make("button", { type: "button", class: "remove" });
      const it = { node, remove, box: ofObjects ? node.el : make("li", { class: "value" }, node.el) };
      if (ofObjects) node.el.append(remove); else it.box.append(remove);
      remove.addEventListener("click", () => {
        const i = items.indexOf(it);
        items.splice(i, 1);
        it.box.remove();
        relabel();
        (items[i] || items[i - 1] || { remove: add }).remove.focus();
        changed();
      });
      items.push(it);
      holder.append(it.box);
      relabel();
      return it;
    }

    add.addEventListener("click", () => { addItem().node.focus(); changed(); });
    for (let i = 0; i < (info.s.minItems || 0); i++) addItem();
    return {
      el,
      value(path) {
        mark(el, path);
        const out = [];
        items.forEach((it, i) => {
          const v = it.node.value([...path, i]);
          out.push(v === undefined ? (ofObjects ? {} : null) : v);
        });
        return out.length ? out : undefined;
      },
      set(v) {
        for (const it of items.splice(0)) it.box.remove();
        const values = v || [];
        for (let i = 0; i < Math.max(values.length, info.s.minItems || 0); i++) addItem().node.set(values[i]);
      },
      focus: () => add.focus(),
    };
  }

  function build(key, prop, required, level) {
    const info = unwrap(prop);
    const label = labelFor(key);
    switch (kindOf(info.s)) {
      case "object": return buildObject(label, info, required, level);
      case "list": return buildList(label, info, level);
      case "words": return buildWords(label, info);
      case "choice": return buildChoice(label, info, required);
      case "boolean": return buildBoolean(label, info);
      case "date": return buildInput(label, info, required, { type: "date" }, asText);
      case "date-or-word": return buildDateOrWord(label, info);
      case "integer": return buildInput(label, info, required, { type: "text", inputmode: "numeric" }, asInteger);
      case "decimal": return buildInput(label, info, required, { type: "text", inputmode: "decimal" }, asDecimal);
      default: return buildInput(label, info, required, { type: "text" }, asText);
    }
  }

  /* The top level: one step (a section with a heading) per property of the facts. */
  function buildForm(schema) {
    const needs = schema.required || [];
    const steps = properties(schema).map(([key, prop], i) => {
      const node = build(key, prop, needs.includes(key), 0);
      const h2 = node.el.querySelector("h2");
      if (h2) h2.textContent = `${i + 1}. ${h2.textContent}`;
      return { key, node };
    });
    return {
      steps,
      value() {
        const out = {};
        for (const st of steps) {
          const v = st.node.value([st.key]);
          if (v !== undefined) out[st.key] = v;
        }
        return out;
      },
      set(v) { for (const st of steps) st.node.set(v[st.key]); },
    };
  }

  /* ---- assessing as the caseworker goes ---- */

  let timer = null;
  function changed() {
    edits++;
    document.body.dataset.assessed = "pending";
    clearTimeout(timer);
    timer = setTimeout(assess, DELAY_MS);
  }

  function factsJson() { return JSON.stringify(root.value()); }

  async function post(url, body) {
    const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { ok: r.ok, status: r.status, text: await r.text() };
  }

  /* The facts as they are now, assessed with what would change each finding (as `remedies assess --format json`). */
  async function assess() {
    if (busy) { again = true; return; }
    busy = true;
    const at = edits;
    try {
      const r = await post("assess?what_if=true", factsJson());
      if (at !== edits) return; // the form changed meanwhile: its own assessment follows
      if (r.ok) {
        const a = JSON.parse(r.text);
        byId("assessment-json").textContent = r.text;
        showProblems([]);
        renderProposal(a);
        const n = a.elements.length;
        showState("ok", `Assessed: ${a.report.total.text} in all, for ${n} part${n === 1 ? "" : "s"} of the complaint.`);
      } else {
        showProblems(problemLines(r.text));
        showState("problems", byId("result").childElementCount
          ? "The facts have problems, listed below; the proposal shown is for the facts before them."
          : "The facts have problems, listed below; nothing is assessed until they are put right.");
      }
    } catch (e) {
      if (at === edits) showState("error", "The service did not answer: " + e.message);
    } finally {
      busy = false;
      if (again) { again = false; assess(); }
    }
  }

  function showState(state, message) {
    document.body.dataset.assessed = state;
    byId("status").textContent = message;
    // on a phone the proposal is below the form: a bar at the foot of the screen says where it stands
    byId("jump").textContent = state === "ok" ? `Proposal: ${message.replace(/^Assessed: /, "")} See it.`
      : state === "problems" ? "The facts have problems: see them." : "Proposal: not assessed. See why.";
  }

  /* The service's one-line errors, each as {field, message}; with ``file``, as lines of that file. */
  function problemLines(text, file) {
    let message;
    try { message = JSON.parse(text).error; } catch (e) { message = text; }
    return String(message).split("\n")
      .map((l) => l.replace(/^remedies: error: /, ""))
      .filter((l) => !/^remedies: \d+ problems in /.test(l))
      .map((l) => {
        if (file) return { field: null, message: l.replace(/^request body/, file) };
        const m = /^[^[]*?(?::\d+)?: \[([^\]]+)\] (.*)$/.exec(l);
        return m ? { field: m[1], message: m[2] } : { field: null, message: l.replace(/^request body:(\d+:)? ?/, "") };
      });
  }

  function showProblems(problems) {
    const box = byId("problems");
    box.replaceChildren();
    for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    if (!problems.length) return;
    const ul = make("ul", { class: "problems" });
    for (const p of problems) {
      const target = p.field && findControl(p.field);
      const li = make("li");
      if (target) {
        target.setAttribute("aria-invalid", "true");
        const a = make("a", { href: "#" + target.id, text: where(target) });
        a.addEventListener("click", (ev) => {
          ev.preventDefault();
          for (let d = target.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
          target.focus();
        });
        li.append(a, ": ");
      } else if (p.field) {
        li.append(make("code", { text: p.field }), ": ");
      }
      li.append(p.message);
      ul.append(li);
    }
    box.append(make("h3", { text: "Problems with the facts" }), ul);
  }

  /* The control for a field path, or the nearest enclosing one that has a control. */
  function findControl(field) {
    const parts = field.split(".");
    for (; parts.length; parts.pop()) {
      let el = document.querySelector(`[data-path="${CSS.escape(parts.join("."))}"]`);
      if (el && !el.matches("input,select")) el = el.querySelector("input,select,button");
      if (el) {
        if (!el.id) el.id = uid();
        return el;
      }
    }
    return null;
  }

  /* "Element 2 › Failure 1 › Kind": where a control is, in the form's own words. */
  function where(control) {
    const names = [];
    for (let el = control.parentElement; el && el !== document.body; el = el.parentElement) {
      if (el.matches("fieldset.group")) names.unshift(el.querySelector("legend").textContent);
      if (el.matches("section.step:not(.list-step)")) names.unshift(el.querySelector("h2").textContent.replace(/^\d+\. /, ""));
    }
    const words = control.closest("fieldset.words");
    const own = words ? words.querySelector("legend").textContent
      : (control.labels && control.labels[0] ? control.labels[0].textContent.trim() : control.textContent);
    if (own) names.push(own);
    return names.join(" › ");
  }

  /* ---- the proposal ---- */

  function money(n) { return "£" + Number(n).toLocaleString("en-GB"); }

  function renderProposal(a) {
    const r = a.report;
    const out = byId("result");
    out.replaceChildren();
    out.append(...r.summary.map((s) => make("p", { text: s })));
    const byIdEl = Object.fromEntries(a.elements.map((e) => [e.id, e]));
    for (const e of r.elements) {
      const raw = byIdEl[e.id] || {};
      const sec = make("section", { class: "element", "aria-labelledby": uid() });
      sec.append(make("h3", { id: sec.getAttribute("aria-labelledby"), text: `${e.number}. ${e.title || e.id}` }));
      const dl = make("dl");
      const add = (k, v) => dl.append(make("dt", { text: k }), make("dd", { text: v }));
      for (const f of e.facts) {
        add(f.label, f.text);
        if (f.label === "Sum" && raw.band) add("Band", `${raw.band.name.replace(/^band_/, "").replace(/_/g, " ")} ${money(raw.band.min)}–${money(raw.band.max)}`);
      }
      sec.append(dl);
      const list = (heading, lines) => {
        if (!lines.length) return;
        sec.append(make("h4", { text: heading }));
        const ul = make("ul");
        for (const line of lines) ul.append(make("li", { text: line }));
        sec.append(ul);
      };
      list("Why", e.why || []);
      list("What would change this", [...(e.distance || []), ...(e.moves || []).map((m) => m.text)]);
      out.append(sec);
    }
    out.append(make("h3", { text: "What the landlord must do" }));
    if (r.orders.length) {
      const ul = make("ul", { class: "orders" });
      for (const o of r.orders)
        ul.append(make("li", { text: o.text + (o.amount !== null && o.amount !== undefined ? ` (${money(o.amount)})` : "") + (o.when ? ` — ${o.when}` : "") }));
      out.append(ul);
    } else {
      out.append(make("p", { text: "Nothing." }));
    }
    out.append(make("p", { class: "total", text: `${r.total.label}: ${r.total.text}` }));
    for (const n of [...r.total_notes, ...r.notes, ...r.evidence_warnings]) out.append(make("p", { class: "note", text: n }));
  }

  /* ---- downloads ---- */

  async function download(button) {
    const url = button.dataset.download;
    const status = byId("download-status");
    status.textContent = "Preparing the download…";
    let r;
    try { r = await post(url, factsJson()); } catch (e) { status.textContent = "The service did not answer."; return; }
    if (!r.ok) {
      showProblems(problemLines(r.text));
      status.textContent = "Nothing to download until the problems with the facts are put right.";
      return;
    }
    const facts = root.value();
    const ref = (facts.case && facts.case.reference ? String(facts.case.reference) : "facts").replace(/[^A-Za-z0-9_-]/g, "-");
    const fmt = new URL(url, location.href).searchParams.get("format");
    const name = url.startsWith("facts") ? `${ref}.yaml` : `${ref}-report.${{ html: "html", markdown: "md", text: "txt", json: "json" }[fmt]}`;
    const type = { html: "text/html", markdown: "text/markdown", text: "text/plain", json: "application/json" }[fmt] || "application/yaml";
    const href = URL.createObjectURL(new Blob([r.text], { type }));
    const a = make("a", { href, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 60000); // the browser has the file by then
    status.textContent = `Downloaded ${name}.`;
  }

  /* ---- opening a facts file: the service checks it and gives it back as JSON to fill the form ---- */

  async function open(input) {
    const file = input.files[0];
    if (!file) return;
    let r;
    try { r = await post("facts.json", await file.text()); } catch (e) { showState("error", "The service did not answer."); return; }
    if (!r.ok) {
      showProblems(problemLines(r.text, file.name));
      showState("problems", `${file.name} was not opened: it has problems, listed below.`);
      return;
    }
    root.set(JSON.parse(r.text));
    changed();
    byId("status").textContent = `Opened ${file.name}; assessing…`;
  }

  /* ---- start ---- */

  async function start() {
    const form = byId("facts");
    try {
      const r = await fetch("schema/facts");
      const schema = await r.json();
      defs = schema.$defs || {};
      root = buildForm(schema);
    } catch (e) {
      byId("loading").textContent = "The facts schema could not be loaded: " + e.message;
      return;
    }
    form.replaceChildren(...root.steps.map((st) => st.node.el));
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", (ev) => ev.preventDefault());
    for (const b of document.querySelectorAll("[data-download]")) b.addEventListener("click", () => download(b));
    byId("open-file").addEventListener("change", (ev) => open(ev.target));
    document.body.dataset.ready = "true";
  }

  start();
})();
