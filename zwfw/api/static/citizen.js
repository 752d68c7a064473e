/* The citizen page: search box with suggestions, grouped results with facets, the item page
   with 好差评, and the elderly-mode switch. The chat widget lives in chat.js. */
"use strict";

const TYPE_NAMES = {item: "办事事项", app: "应用", faq: "常见问答", policy: "政策"};
const RATING_TAGS = {good: ["材料清楚", "办理快捷", "态度好"], bad: ["材料说不清", "信息过时", "找不到入口", "等待太久"]};
const SCORE_NAMES = ["", "非常不满意", "不满意", "一般", "满意", "非常满意"];
const PAGE_SIZE = 20;
/* `hits` are every result shown so far (pages appended by 加载更多), each with the request id
   of the page it came from, so a click is logged against the search that showed it. */
const state = {q: "", type: "", region: "", department: "", audience: "", online: false, rid: null, config: null,
  page: 1, total: 0, hits: [], counts: {}};

/* ---------- elderly mode ---------- */
function isElder() { return document.body.classList.contains("elder"); }
function setElder(on) {
  document.body.classList.toggle("elder", on);
  $("#elder").setAttribute("aria-pressed", String(on));
  localStorage.setItem("zwfw-elder", on ? "1" : "0");
  document.dispatchEvent(new CustomEvent("zwfw:elder", {detail: on}));
}
$("#elder").addEventListener("click", () => setElder(!isElder()));
setElder(localStorage.getItem("zwfw-elder") === "1");

/* ---------- suggestions ---------- */
const input = $("#q"), list = $("#suggest");
let suggestTimer = null, suggestSeq = 0, active = -1;

function closeSuggest() { list.hidden = true; list.replaceChildren(); input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; }

async function loadSuggest() {
  const typed = input.value.trim();
  if (!typed) return closeSuggest();
  const seq = ++suggestSeq;
  const r = await api("GET", "/v1/suggest?size=8&q=" + encodeURIComponent(typed));
  if (seq !== suggestSeq || !r.ok) return;
  const rows = r.data.suggestions;
  if (!rows.length) return closeSuggest();
  list.replaceChildren(...rows.map((s, i) => el("li", {id: "sg-" + i, role: "option", "aria-selected": "false",
    onmousedown: e => { e.preventDefault(); pickSuggestion(s.text); }},
    el("span", {}, s.text), el("span", {class: "kind"}, {item: "事项", app: "应用", synonym: "相关词", query: "热门搜索"}[s.kind] || ""))));
  list.hidden = false;
  input.setAttribute("aria-expanded", "true");
}

function pickSuggestion(text) { input.value = text; closeSuggest(); search(text); }

input.addEventListener("input", () => { clearTimeout(suggestTimer); suggestTimer = setTimeout(loadSuggest, 120); });
input.addEventListener("blur", () => setTimeout(closeSuggest, 100));
input.addEventListener("keydown", e => {
  const items = [...list.children];
  if (list.hidden || !items.length) return;
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    active = (active + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
    items.forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", items[active].id);
  } else if (e.key === "Enter" && active >= 0) {
    e.preventDefault(); pickSuggestion(items[active].firstChild.textContent);
  } else if (e.key === "Escape") closeSuggest();
});
$("#search-form").addEventListener("submit", e => { e.preventDefault(); closeSuggest(); search(input.value.trim()); });

/* ---------- search ---------- */
async function search(q, keepFilters) {
  clearTimeout(suggestTimer);
  suggestSeq++;  // a suggestion answer still on its way must not reopen the list
  closeSuggest();
  if (!q) return;
  if (!keepFilters && q !== state.q) Object.assign(state, {type: "", department: ""});
  state.q = q;
  const r = await api("GET", "/v1/search?" + searchParams(1));
  $("#welcome").hidden = true; $("#detail").hidden = true; $("#me").hidden = true; $("#results").hidden = false;
  if (!r.ok) { $("#notice").textContent = errorText(r); $("#results").replaceChildren(); return; }
  state.rid = r.rid;
  Object.assign(state, {page: 1, total: r.data.total, hits: r.data.hits.map(h => ({hit: h, rid: r.rid})), counts: r.data.facets.type || {}});
  renderNotice(r.data); renderFacets(r.data); renderHits();
}

function searchParams(page) {
  const params = new URLSearchParams({q: state.q, size: String(PAGE_SIZE), page: String(page)});
  for (const key of ["region", "department", "audience"]) if (state[key]) params.set(key, state[key]);
  if (state.type) params.set("types", state.type);
  if (state.online) params.set("online", "true");
  return params;
}

/* 加载更多: the next page of the same search, appended into the same groups. Focus moves to
   the first new result so keyboard and screen-reader users continue where the list grew. */
async function loadMore() {
  const button = $("#more");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  const q = state.q, r = await api("GET", "/v1/search?" + searchParams(state.page + 1));
  button.disabled = false;
  button.removeAttribute("aria-busy");
  if (q !== state.q) return;  // a new search started meanwhile
  if (!r.ok) { $("#notice").textContent = errorText(r); return; }
  const known = new Set(state.hits.map(s => s.hit.type + ":" + s.hit.id));
  const fresh = r.data.hits.filter(h => !known.has(h.type + ":" + h.id));
  state.page += 1; state.total = r.data.total;
  state.hits.push(...fresh.map(h => ({hit: h, rid: r.rid})));
  renderHits(fresh.length ? fresh[0] : null);
}

function renderNotice(res) {
  const box = $("#notice");
  box.replaceChildren();
  if (res.corrected_query) box.append(el("p", {}, "已为您搜索「", el("strong", {}, res.corrected_query), "」"));
  if (res.did_you_mean) box.append(el("p", {}, "您是不是要找：", el("button", {type: "button", class: "chip", onclick: () => { input.value = res.did_you_mean; search(res.did_you_mean); }}, res.did_you_mean)));
  if (res.fallback === "relaxed" || res.fallback === "vector_only") box.append(el("p", {}, "没有完全符合的结果，为您找到以下相近内容。"));
  if (!res.hits.length) {
    box.append(el("p", {}, "未找到与「" + res.query + "」相关的结果。"));
    if (res.suggestions.length) box.append(el("p", {}, "试试：", el("span", {class: "chips"}, res.suggestions.map(s => el("button", {type: "button", class: "chip", onclick: () => { input.value = s; search(s); }}, s)))));
    const hotline = res.hotline || state.config?.hotline || "12345";
    box.append(el("p", {}, "也可以拨打政务服务热线 ", el("a", {href: "tel:" + hotline}, hotline), " 咨询，或点右下角「智能客服」。"));
  }
}

/* Type chips count every result of the search (not the page shown): "共 N" says so, and the
   group headers below show "已显示 n / 共 N" against the same totals. */
function renderFacets(res) {
  $("#filters").hidden = false;
  const counts = res.facets.type || {};
  const chip = (value, label, total) => el("button", {type: "button", class: "chip", "aria-pressed": String(state.type === value),
    "data-type": value, "data-total": String(total), onclick: () => { state.type = value; search(state.q, true); }},
    label, total || total === 0 ? el("span", {class: "count"}, " 共" + total) : "");
  $("#type-chips").replaceChildren(chip("", "全部", state.type ? "" : res.total),
    ...Object.entries(TYPE_NAMES).filter(([k]) => counts[k] || state.type === k).map(([k, name]) => chip(k, name, counts[k] || 0)));
  const dep = $("#f-department");
  const deps = Object.keys(res.facets.department || {});
  if (state.department && !deps.includes(state.department)) deps.unshift(state.department);
  dep.replaceChildren(el("option", {value: ""}, "全部部门"), ...deps.map(d => el("option", {value: d, selected: d === state.department}, d)));
}

/* Every hit shown so far, grouped by type; `focusHit` (the first of a page just loaded) gets focus. */
function renderHits(focusHit) {
  const groups = {};
  state.hits.forEach((s, i) => (groups[s.hit.type] ||= []).push([s, i + 1]));
  const sections = Object.keys(TYPE_NAMES).filter(t => groups[t]).map(t => {
    const shown = groups[t].length, total = Math.max(state.counts[t] || 0, shown);
    return el("section", {class: "group", "aria-label": TYPE_NAMES[t]},
      el("h2", {"data-count": shown + "/" + total}, TYPE_NAMES[t], el("span", {class: "count"}, shown < total ? "（已显示 " + shown + " / 共 " + total + "）" : "（共 " + total + "）")),
      groups[t].map(([s, pos]) => hitCard(s, pos)));
  });
  // The button sits inside #results, so whatever hides the results (item page, 个人空间) hides it.
  const deepest = state.config?.max_result_window || 1000;  // the service serves no further
  const more = state.hits.length < state.total && (state.page + 1) * PAGE_SIZE <= deepest
    ? [el("button", {type: "button", id: "more", class: "more", onclick: loadMore}, "加载更多",
      el("span", {class: "count"}, "（已显示 " + state.hits.length + " / 共 " + state.total + " 条）"))] : [];
  $("#results").replaceChildren(...sections, ...more);
  if (focusHit) $("#results").querySelector(`[data-key="${CSS.escape(focusHit.type + ":" + focusHit.id)}"] h3 button`)?.focus();
}

function hitCard(shown, position) {
  const hit = shown.hit;
  const open = () => { logClick(shown, position); openDetail(hit.type, hit.id); };
  return el("article", {class: "card", "data-type": hit.type, "data-key": hit.type + ":" + hit.id},
    el("h3", {}, el("button", {type: "button", class: "link", onclick: open, html: highlight(hit.highlight.title || hit.title)})),
    el("p", {html: highlight(hit.highlight.snippet || hit.snippet)}),
    el("p", {class: "meta"}, [hit.department, hit.region].filter(Boolean).join(" · ")));
}

function logClick(shown, position) {
  if (shown.rid) api("POST", "/v1/clicks", {request_id: shown.rid, position, id: shown.hit.id});
}

for (const [id, key] of [["#f-region", "region"], ["#f-department", "department"], ["#f-audience", "audience"]]) {
  $(id).addEventListener("change", e => { state[key] = e.target.value; search(state.q, true); });
}
$("#f-online").addEventListener("change", e => { state.online = e.target.checked; search(state.q, true); });

/* ---------- detail page (an item's guide, a FAQ answer, an app, a policy) with 好差评 ---------- */
async function openDetail(kind, id) {
  const r = await api("GET", "/v1/records/" + kind + "/" + encodeURIComponent(id));
  const box = $("#detail");
  if (!r.ok) { $("#notice").textContent = errorText(r); return; }
  const rec = r.data;
  $("#results").hidden = true; $("#welcome").hidden = true; $("#me").hidden = true; $("#filters").hidden = true;
  $("#notice").replaceChildren();
  const back = el("button", {type: "button", onclick: () => { box.hidden = true; $("#results").hidden = false; $("#filters").hidden = !state.q; }}, "‹ 返回结果");
  const target = {item: "item", faq: "answer", app: "app"}[kind];
  box.replaceChildren(back, el("article", {class: "card guide"}, el("h2", {}, rec.name || rec.title || rec.question), guideFields(kind, rec)),
    ...(target ? [ratingForm({type: target, id: rec.id})] : []));
  box.hidden = false;
  box.querySelector("h2").setAttribute("tabindex", "-1");
  box.querySelector("h2").focus();
}

function guideFields(kind, rec) {
  const rows = [];
  const add = (term, ...value) => { if (value.some(v => v !== "" && v !== null && v !== undefined)) rows.push(el("dt", {}, term), el("dd", {}, ...value)); };
  if (kind === "item") {
    add("办理部门", rec.department + " · " + rec.region_name);
    add("办理对象", (rec.audiences || []).join("、"));
    add("办理条件", rec.conditions);
    if (rec.materials?.length) rows.push(el("dt", {}, "申请材料"), el("dd", {}, el("ol", {}, rec.materials.map(m => el("li", {}, m)))));
    add("收费标准", rec.fee || "不收费");
    add("办理时限", [rec.promised_time_limit && "承诺 " + rec.promised_time_limit, rec.legal_time_limit && "法定 " + rec.legal_time_limit].filter(Boolean).join("；"));
    add("办理地点", rec.location);
    add("网上办理", rec.online_available ? el("span", {class: "badge"}, "可全程网办") : "需到现场办理",
      rec.online_url ? el("span", {}, " ", el("a", {href: rec.online_url, target: "_blank", rel: "noopener"}, rec.online_available ? "在线办理" : "网上预约或申报入口")) : null);
    add("咨询电话", rec.consult_phone ? el("a", {href: "tel:" + rec.consult_phone}, rec.consult_phone) : "");
    add("投诉电话", rec.complaint_phone ? el("a", {href: "tel:" + rec.complaint_phone}, rec.complaint_phone) : "");
    add("办事指南", rec.guide_url ? el("a", {href: rec.guide_url, target: "_blank", rel: "noopener"}, "查看官方办事指南") : "");
  } else if (kind === "faq") {
    add("答复", rec.answer); add("部门", rec.department);
  } else if (kind === "app") {
    add("简介", rec.description); add("提供部门", rec.department + " · " + (rec.region_name || ""));
    add("入口", rec.url ? el("a", {href: rec.url, target: "_blank", rel: "noopener"}, "打开应用") : "");
  } else {
    add("摘要", rec.summary); add("发布机关", rec.issuer || rec.department);
  }
  return el("dl", {}, rows);
}

function ratingForm(target) {
  const status = el("p", {role: "status"});
  const form = el("form", {class: "rating"},
    el("fieldset", {}, el("legend", {}, "好差评：您对这项服务满意吗？"),
      el("div", {class: "stars"}, [1, 2, 3, 4, 5].map(n => el("label", {}, el("input", {type: "radio", name: "score", value: n, required: true}), n + " " + SCORE_NAMES[n]))),
      el("div", {class: "tags", role: "group", "aria-label": "评价标签"}, [...RATING_TAGS.good, ...RATING_TAGS.bad].map(t => el("label", {}, el("input", {type: "checkbox", name: "tag", value: t}), t))),
      el("p", {}, el("label", {}, "意见（选填） ", el("input", {name: "comment", maxlength: "500"})))),
    el("button", {type: "submit"}, "提交评价"), status);
  form.addEventListener("submit", async e => {
    e.preventDefault();
    const data = new FormData(form);
    const body = {target, score: Number(data.get("score")), tags: data.getAll("tag"), comment: data.get("comment") || null};
    const r = await api("POST", "/v1/ratings", body);
    status.className = r.ok ? "ok" : "err";
    status.textContent = r.ok ? "感谢您的评价！" : errorText(r);
    if (r.ok) form.querySelector("button[type=submit]").disabled = true;
  });
  return form;
}

/* ---------- start ---------- */
(async function loadConfig() {
  const r = await api("GET", "/v1/pages/config");
  if (!r.ok) { setTimeout(loadConfig, 1000); return; }  // 503 while the index loads
  state.config = r.data;
  $("#f-region").append(...r.data.regions.map(x => el("option", {value: x.code}, x.name)));
  $("#f-audience").append(...r.data.audiences.map(a => el("option", {value: a}, a)));
  // Examples drawn from the served catalogue and what people search (see api.examples).
  const examples = r.data.examples || [];
  $("#examples").replaceChildren(...(examples.length ? [el("span", {}, "试试："), ...examples.map(x =>
    el("button", {type: "button", class: "chip", onclick: () => { input.value = x; search(x); }}, x))] : []));
  $("#examples").hidden = !examples.length;
  document.dispatchEvent(new CustomEvent("zwfw:config", {detail: r.data}));
})();

window.zwfw = {openDetail, isElder, search};
