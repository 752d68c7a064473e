/* The console shell: sign in with a bearer token, show the screens the role allows. Screens
   register themselves in `screens` (console-catalogue.js, console-ops.js). */
"use strict";

const consoleState = {token: null, me: null};
const screens = [];  // {id, title, allowed(me), render(view)}

function registerScreen(screen) { screens.push(screen); }
function call(method, path, body) { return api(method, path, body, consoleState.token); }

/** A status line that says what happened; errors in red, announced to screen readers. */
function say(node, result, okText) {
  node.className = result.ok ? "ok" : "err";
  node.setAttribute("role", result.ok ? "status" : "alert");
  node.textContent = result.ok ? okText : errorText(result);
}

function showScreen(id) {
  const screen = screens.find(s => s.id === id);
  for (const b of $("#tabs").children) {
    if (b.dataset.id === id) b.setAttribute("aria-current", "page"); else b.removeAttribute("aria-current");
  }
  const view = $("#view");
  view.replaceChildren();
  screen.render(view);
}

async function signIn(token) {
  consoleState.token = token;
  const r = await call("GET", "/v1/admin/whoami");
  if (!r.ok) {
    consoleState.token = null;
    sessionStorage.removeItem("zwfw-console");
    $("#sign-in-error").textContent = r.status === 401 ? "登录失败：令牌无效，请检查后重试。" : errorText(r);
    return;
  }
  sessionStorage.setItem("zwfw-console", token);
  consoleState.me = r.data;
  const roleName = {admin: "管理员", editor: "编辑", reviewer: "审核员"}[r.data.role];
  $("#who").textContent = roleName + "（" + r.data.name + "）";
  $("#sign-in").hidden = true;
  $("#sign-out").hidden = false;
  const allowed = screens.filter(s => s.allowed(r.data));
  $("#tabs").replaceChildren(...allowed.map(s => el("button", {type: "button", "data-id": s.id, onclick: () => showScreen(s.id)}, s.title)));
  $("#tabs").hidden = false;
  if (allowed.length) showScreen(allowed[0].id);
}

$("#sign-in").addEventListener("submit", e => { e.preventDefault(); $("#sign-in-error").textContent = ""; signIn($("#token").value.trim()); });
$("#sign-out").addEventListener("click", () => { sessionStorage.removeItem("zwfw-console"); location.reload(); });
window.addEventListener("DOMContentLoaded", () => {
  const saved = sessionStorage.getItem("zwfw-console");
  if (saved) signIn(saved);
});

/** A table from rows: columns are [header, row => cell content]. */
function table(columns, rows, caption) {
  return el("table", {}, caption ? el("caption", {class: "sr-only"}, caption) : null,
    el("thead", {}, el("tr", {}, columns.map(([h]) => el("th", {scope: "col"}, h)))),
    el("tbody", {}, rows.map(r => el("tr", {}, columns.map(([, f]) => el("td", {}, f(r)))))));
}

function fmtTime(value) {
  const d = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return d.toLocaleString("zh-CN", {hour12: false});
}

/** Top search hits of a query, as titles, for before/after comparisons. */
async function topTitles(q) {
  const r = await api("GET", "/v1/search?size=5&q=" + encodeURIComponent(q));
  return r.ok ? r.data.hits.map(h => h.title) : ["（搜索失败）"];
}

function beforeAfter(q, before, after) {
  const list = (titles, other) => el("ol", {}, titles.length ? titles.map(t => el("li", {}, other.includes(t) ? t : el("strong", {}, t + " ★"))) : el("li", {}, "无结果"));
  return el("div", {class: "panel", "aria-label": "修改效果"}, el("h3", {}, "「" + q + "」的搜索结果变化（★ 为变化项）"),
    el("div", {class: "cols"}, el("div", {class: "before"}, el("h4", {}, "修改前"), list(before, after)),
      el("div", {class: "after"}, el("h4", {}, "修改后"), list(after, before))));
}
