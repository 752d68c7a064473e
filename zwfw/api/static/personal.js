/* The personal space (shown only when the server enables it): sign in with the user token the
   identity system issued, then recommendations with their reasons and eligible policies with
   explanations and near misses. The token stays in this tab (sessionStorage). */
"use strict";

(() => {
  const box = $("#me");
  const userOf = token => {
    try { return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sub; } catch { return null; }
  };

  function signInForm(message) {
    const status = el("p", {role: "alert", class: "err"}, message || "");
    const form = el("form", {}, el("h2", {}, "个人空间"),
      el("p", {}, el("label", {}, "用户令牌 ", el("input", {name: "token", type: "password", required: true, autocomplete: "off"}))),
      el("button", {type: "submit"}, "登录"), status);
    form.addEventListener("submit", e => { e.preventDefault(); load(new FormData(form).get("token").trim()); });
    box.replaceChildren(form);
  }

  async function load(token) {
    const user = userOf(token);
    if (!user) return signInForm("令牌格式不正确");
    const base = "/v1/users/" + encodeURIComponent(user);
    const [recs, pols] = await Promise.all([api("GET", base + "/recommendations?size=8", undefined, token), api("GET", base + "/policies", undefined, token)]);
    if (!recs.ok || !pols.ok) { sessionStorage.removeItem("zwfw-user"); return signInForm(errorText(recs.ok ? pols : recs)); }
    sessionStorage.setItem("zwfw-user", token);
    const reason = r => r.map(x => x.condition + "（" + x.fact + "）").join("；");
    box.replaceChildren(el("div", {}, el("h2", {}, "个人空间"),
      el("button", {type: "button", onclick: () => { sessionStorage.removeItem("zwfw-user"); signInForm(); }}, "退出"),
      el("h3", {}, "为您推荐"), recs.data.items.length ? recs.data.items.map(i => el("article", {class: "card"},
        el("h4", {}, el("button", {type: "button", class: "link", onclick: () => window.zwfw.openDetail("item", i.item_id)}, i.name)),
        el("p", {class: "meta"}, "推荐理由：" + i.reason))) : el("p", {}, "暂无推荐"),
      el("h3", {}, "您可享受的政策"), pols.data.eligible.length ? pols.data.eligible.map(p => el("article", {class: "card"},
        el("h4", {}, p.title), el("p", {}, p.summary), el("p", {class: "meta"}, "符合条件：" + reason(p.met)))) : el("p", {}, "暂未发现符合条件的政策"),
      el("h3", {}, "差一点就符合的政策"), pols.data.near_misses.map(p => el("article", {class: "card"},
        el("h4", {}, p.title), el("p", {class: "meta"}, "还需满足其一：" + p.missing.map(m => m.condition).join("；"))))));
  }

  $("#me-open").addEventListener("click", () => {
    for (const id of ["#results", "#detail", "#welcome", "#filters"]) $(id).hidden = true;
    box.hidden = false;
    const saved = sessionStorage.getItem("zwfw-user");
    saved ? load(saved) : signInForm();
  });
  document.addEventListener("zwfw:config", e => { $("#me-open").hidden = !e.detail.personal; });
})();
