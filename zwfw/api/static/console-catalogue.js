/* Console screens for administrators (catalogue tokens): synonyms, FAQ entries, navigation. */
"use strict";

const KIND_NAMES = {equivalent: "等价", oneway: "单向"};
const splitTerms = text => text.split(/[,，、\s]+/).map(t => t.trim()).filter(Boolean);

/* ---------- synonyms ---------- */
registerScreen({id: "synonyms", title: "同义词", allowed: me => me.catalogue, render(view) {
  const status = el("p", {role: "status"});
  const effect = el("div");
  const listBox = el("div");
  const historyBox = el("div");
  const filter = el("input", {id: "syn-filter", type: "search", placeholder: "按词搜索"});
  const testQ = el("input", {id: "syn-test", placeholder: "如：社保卡"});
  const kind = el("select", {id: "syn-kind"}, Object.entries(KIND_NAMES).map(([k, n]) => el("option", {value: k}, n)));
  const terms = el("input", {id: "syn-terms", size: "40", placeholder: "词语，用逗号或空格分隔；单向时第一个为源词"});
  let editing = null;
  const saveBtn = el("button", {type: "submit"}, "新增");
  const form = el("form", {class: "panel", "aria-label": "编辑同义词"}, el("h2", {}, "新增或编辑同义词"),
    el("div", {class: "row"}, el("label", {for: "syn-kind"}, "类型", kind), el("label", {for: "syn-terms"}, "词语", terms),
      el("label", {for: "syn-test"}, "试搜查询（保存后对比结果）", testQ), saveBtn,
      el("button", {type: "button", onclick: () => reset()}, "取消编辑")), status, effect);

  function reset() { editing = null; terms.value = ""; saveBtn.textContent = "新增"; }

  async function withEffect(q, change, okText) {
    const before = q ? await topTitles(q) : null;
    const r = await change();
    if (r.ok && q) effect.replaceChildren(beforeAfter(q, before, await topTitles(q)));
    say(status, r, okText);
    if (r.ok) { reset(); load(); }
  }

  form.addEventListener("submit", e => {
    e.preventDefault();
    const body = {kind: kind.value, terms: splitTerms(terms.value)};
    const q = testQ.value.trim() || body.terms[0];
    withEffect(q, () => editing ? call("PUT", "/v1/admin/synonyms/" + editing, body) : call("POST", "/v1/admin/synonyms", body),
      editing ? "已保存修改，立即生效" : "已新增同义词，立即生效");
  });

  async function showHistory(id) {
    const r = await call("GET", id ? "/v1/admin/synonyms/" + id + "/history" : "/v1/admin/synonyms/history?limit=20");
    if (!r.ok) return say(status, r);
    const body = b => b ? KIND_NAMES[b.kind] + "：" + b.terms.join("、") : "—";
    historyBox.replaceChildren(el("h3", {}, id ? "规则 " + id + " 的历史" : "最近修改"),
      table([["时间", c => fmtTime(c.at)], ["操作", c => ({create: "新增", update: "修改", delete: "删除"}[c.action])], ["操作人", c => c.author],
        ["修改前", c => body(c.before)], ["修改后", c => body(c.after)]], r.data, "修改历史"));
  }

  let offset = 0;
  const PAGE = 20;
  async function load(from) {
    offset = from === undefined ? offset : from;
    const q = filter.value.trim();
    const r = await call("GET", `/v1/admin/synonyms?limit=${PAGE}&offset=${offset}` + (q ? "&q=" + encodeURIComponent(q) : ""));
    if (!r.ok) return say(status, r);
    const pager = el("p", {}, `共 ${r.data.total} 条，第 ${offset + 1}–${Math.min(offset + PAGE, r.data.total)} 条 `,
      offset > 0 ? el("button", {type: "button", onclick: () => load(Math.max(0, offset - PAGE))}, "上一页") : null, " ",
      offset + PAGE < r.data.total ? el("button", {type: "button", onclick: () => load(offset + PAGE)}, "下一页") : null);
    listBox.replaceChildren(pager, table([
      ["编号", x => x.id], ["类型", x => KIND_NAMES[x.kind]], ["词语", x => x.terms.join("、")], ["修改人", x => x.updated_by],
      ["修改时间", x => fmtTime(x.updated_at)],
      ["操作", x => [el("button", {type: "button", onclick: () => { editing = x.id; kind.value = x.kind; terms.value = x.terms.join(" "); saveBtn.textContent = "保存修改"; terms.focus(); }}, "编辑"), " ",
        el("button", {type: "button", onclick: () => { if (confirm("确定删除这条同义词？")) withEffect(testQ.value.trim() || x.terms[0], () => call("DELETE", "/v1/admin/synonyms/" + x.id), "已删除"); }}, "删除"), " ",
        el("button", {type: "button", onclick: () => showHistory(x.id)}, "历史")]]], r.data.items, "同义词列表"));
  }

  view.append(form, el("div", {class: "panel"}, el("h2", {}, "同义词列表"),
    el("form", {class: "row", onsubmit: e => { e.preventDefault(); load(0); }}, el("label", {for: "syn-filter"}, "搜索", filter), el("button", {type: "submit"}, "搜索"),
      el("button", {type: "button", onclick: () => showHistory(null)}, "最近修改")), listBox, historyBox));
  load();
}});

/* ---------- FAQ entries ---------- */
registerScreen({id: "faq", title: "常见问答", allowed: me => me.catalogue, render(view) {
  const status = el("p", {role: "status"});
  const coverage = el("div");
  const listBox = el("div"), historyBox = el("div");
  const f = {
    question: el("input", {id: "faq-question", size: "50", required: true}),
    answer: el("textarea", {id: "faq-answer", rows: "4", cols: "60", required: true}),
    department: el("input", {id: "faq-department"}),
    effective_from: el("input", {id: "faq-from", type: "date"}),
    expires_on: el("input", {id: "faq-until", type: "date"}),
  };
  let editing = null;
  const saveBtn = el("button", {type: "submit"}, "新增");
  const form = el("form", {class: "panel", "aria-label": "编辑常见问答"}, el("h2", {}, "新增或编辑问答"),
    el("div", {class: "row"}, el("label", {for: "faq-question"}, "问题", f.question), el("label", {for: "faq-department"}, "部门", f.department)),
    el("div", {class: "row"}, el("label", {for: "faq-answer"}, "答复", f.answer)),
    el("div", {class: "row"}, el("label", {for: "faq-from"}, "生效日期", f.effective_from), el("label", {for: "faq-until"}, "失效日期", f.expires_on),
      saveBtn, el("button", {type: "button", onclick: () => reset()}, "取消编辑")), status, coverage);

  function reset() { editing = null; for (const input of Object.values(f)) input.value = ""; saveBtn.textContent = "新增"; }

  form.addEventListener("submit", async e => {
    e.preventDefault();
    const body = Object.fromEntries(Object.entries(f).map(([k, input]) => [k, input.value.trim() || (k === "department" ? "" : null)]));
    const r = editing ? await call("PUT", "/v1/admin/faq/" + encodeURIComponent(editing), body) : await call("POST", "/v1/admin/faq", body);
    say(status, r, (editing ? "已保存" : "已新增") + "，立即生效" + (r.ok && !r.data.live ? "（当前不在有效期内，暂不回答）" : ""));
    if (!r.ok) return;
    reset(); load(); showCoverage(r.data.id);
  });

  async function showCoverage(id) {
    const r = await call("GET", "/v1/admin/faq-coverage?faq_id=" + encodeURIComponent(id));
    if (!r.ok) { coverage.replaceChildren(); return; }
    coverage.replaceChildren(el("h3", {}, "近30天日志中，现在由这条问答回答的问题"), r.data.length
      ? table([["问题", c => c.question], ["次数", c => c.count], ["此前转人工", c => c.was_handed_off ? "是" : "否"]], r.data, "被回答的问题")
      : el("p", {}, "日志中暂无由这条问答回答的问题。"));
  }

  async function showHistory(id) {
    const r = await call("GET", id ? "/v1/admin/faq/" + encodeURIComponent(id) + "/history" : "/v1/admin/faq/history");
    if (!r.ok) return say(status, r);
    historyBox.replaceChildren(el("h3", {}, id ? id + " 的历史" : "最近修改"),
      table([["时间", c => fmtTime(c.at)], ["编号", c => c.faq_id], ["操作", c => ({create: "新增", update: "修改", delete: "删除"}[c.action])],
        ["操作人", c => c.author], ["修改后的问题", c => c.after ? c.after.question : "—"]], r.data.slice(0, 30), "问答历史"));
  }

  const filter = el("input", {id: "faq-filter", type: "search"});
  async function load() {
    const q = filter.value.trim();
    const r = await call("GET", "/v1/admin/faq?limit=50" + (q ? "&q=" + encodeURIComponent(q) : ""));
    if (!r.ok) return say(status, r);
    listBox.replaceChildren(el("p", {}, "共 " + r.data.total + " 条"), table([
      ["编号", x => x.id], ["问题", x => x.question], ["状态", x => x.live ? "生效中" : "未生效/已过期"],
      ["有效期", x => (x.effective_from || "…") + " 至 " + (x.expires_on || "…")],
      ["操作", x => [el("button", {type: "button", onclick: () => { editing = x.id; for (const k of Object.keys(f)) f[k].value = x[k] || ""; saveBtn.textContent = "保存修改"; f.question.focus(); }}, "编辑"), " ",
        el("button", {type: "button", onclick: async () => { if (!confirm("确定删除这条问答？")) return; const d = await call("DELETE", "/v1/admin/faq/" + encodeURIComponent(x.id)); say(status, d, "已删除"); load(); }}, "删除"), " ",
        el("button", {type: "button", onclick: () => showHistory(x.id)}, "历史")]]], r.data.items, "问答列表"));
  }
  view.append(form, el("div", {class: "panel"}, el("h2", {}, "问答列表"),
    el("form", {class: "row", onsubmit: e => { e.preventDefault(); load(); }}, el("label", {for: "faq-filter"}, "搜索", filter), el("button", {type: "submit"}, "搜索"),
      el("button", {type: "button", onclick: () => showHistory(null)}, "最近修改")), listBox, historyBox));
  load();
}});

/* ---------- navigation bundles and hints ---------- */
registerScreen({id: "nav", title: "导航与一件事", allowed: me => me.catalogue, render(view) {
  const status = el("p", {role: "status"});
  const bundles = el("div"), hints = el("div"), editor = el("div");
  const hint = {phrases: el("input", {id: "hint-phrases", size: "30"}), bundle: el("input", {id: "hint-bundle"}), items: el("input", {id: "hint-items", size: "30"})};

  function editJson(path, value) {
    const area = el("textarea", {id: "nav-json", rows: "14", cols: "90"}, JSON.stringify(value, null, 2));
    editor.replaceChildren(el("div", {class: "panel"}, el("h3", {}, "编辑 " + value.id), el("label", {for: "nav-json"}, "JSON"), area,
      el("p", {}, el("button", {type: "button", onclick: async () => {
        let body; try { body = JSON.parse(area.value); } catch { status.className = "err"; status.textContent = "JSON 格式不正确"; return; }
        const r = await call("PUT", path, body); say(status, r, "已保存，下一步导航即生效"); if (r.ok) { editor.replaceChildren(); load(); }
      }}, "保存"), " ", el("button", {type: "button", onclick: () => editor.replaceChildren()}, "取消"))));
  }

  async function load() {
    const [b, h] = await Promise.all([call("GET", "/v1/admin/nav/bundles"), call("GET", "/v1/admin/nav/hints")]);
    if (!b.ok || !h.ok) return say(status, b.ok ? h : b);
    bundles.replaceChildren(table([["编号", x => x.id], ["一件事", x => x.name], ["触发词", x => x.triggers.join("、")], ["步骤", x => x.steps.map(s => s.title).join(" → ")],
      ["操作", x => el("button", {type: "button", onclick: () => editJson("/v1/admin/nav/bundles/" + encodeURIComponent(x.id), x)}, "编辑")]], b.data, "一件事列表"));
    hints.replaceChildren(table([["编号", x => x.id], ["说法", x => x.phrases.join("、")], ["指向", x => x.bundle_id || x.item_ids.join("、")],
      ["操作", x => [el("button", {type: "button", onclick: () => editJson("/v1/admin/nav/hints/" + encodeURIComponent(x.id), x)}, "编辑"), " ",
        el("button", {type: "button", onclick: async () => { const r = await call("DELETE", "/v1/admin/nav/hints/" + encodeURIComponent(x.id)); say(status, r, "已删除"); load(); }}, "删除")]]], h.data, "导航提示列表"));
  }

  const hintForm = el("form", {class: "row"}, el("label", {for: "hint-phrases"}, "群众说法（逗号分隔）", hint.phrases),
    el("label", {for: "hint-bundle"}, "一件事编号", hint.bundle), el("label", {for: "hint-items"}, "或事项编码（逗号分隔）", hint.items), el("button", {type: "submit"}, "新增提示"));
  hintForm.addEventListener("submit", async e => {
    e.preventDefault();
    const body = {id: "hint-" + Date.now().toString(36), phrases: splitTerms(hint.phrases.value), bundle_id: hint.bundle.value.trim() || null, item_ids: splitTerms(hint.items.value)};
    const r = await call("POST", "/v1/admin/nav/hints", body); say(status, r, "已新增导航提示"); if (r.ok) load();
  });
  view.append(el("div", {class: "panel"}, el("h2", {}, "导航提示"), hintForm, status, hints), editor, el("div", {class: "panel"}, el("h2", {}, "一件事"), bundles));
  load();
}});
