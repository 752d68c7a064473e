/* Console screens for the curation roles: curation (tasks, proposals, review, audit),
   analytics (charts and CSV) and evaluation. */
"use strict";

const can = p => consoleState.me.permissions.includes(p);
const TASK_NAMES = {zero_result: "零结果", low_rating: "低评分", handoff: "转人工"};
const STATE_NAMES = {draft: "草稿", approved: "已批准", live: "已上线", rejected: "已驳回"};
const PROPOSAL_NAMES = {synonym: "同义词", faq: "问答", nav_hint: "导航提示"};

function payloadText(kind, p) {
  if (kind === "synonym") return KIND_NAMES[p.kind] + "：" + p.terms.join("、");
  if (kind === "faq") return "问：" + p.question + " 答：" + p.answer;
  return "「" + p.query + "」→ " + p.target_type + " " + p.target_id;
}

/* ---------- curation ---------- */
registerScreen({id: "curation", title: "内容审核", allowed: me => me.permissions.includes("read"), render(view) {
  const status = el("p", {role: "status"});
  const tasks = el("div"), proposals = el("div"), audit = el("div"), draft = el("div");

  function draftForm(task) {
    const kind = el("select", {id: "prop-kind"}, Object.entries(PROPOSAL_NAMES).map(([k, n]) => el("option", {value: k}, n)));
    const fields = el("div", {class: "row"});
    const inputs = {};
    const key = task ? (task.examples[0] || task.key) : "";
    function drawFields() {
      const spec = {synonym: [["syn_kind", "类型", "select"], ["terms", "词语（逗号分隔）", key]],
        faq: [["question", "问题", key], ["answer", "答复", ""]],
        nav_hint: [["query", "群众说法", key], ["target_type", "指向类型", "target"], ["target_id", "事项编码或一件事编号", ""]]}[kind.value];
      fields.replaceChildren(...spec.map(([name, label, init]) => {
        const id = "prop-" + name;
        inputs[name] = init === "select" ? el("select", {id}, Object.entries(KIND_NAMES).map(([k, n]) => el("option", {value: k}, n)))
          : init === "target" ? el("select", {id}, el("option", {value: "item"}, "事项"), el("option", {value: "bundle"}, "一件事"))
          : el("input", {id, value: init, size: name === "answer" ? "50" : "24"});
        return el("label", {for: id}, label, inputs[name]);
      }));
    }
    kind.addEventListener("change", drawFields);
    drawFields();
    const form = el("form", {class: "panel", "aria-label": "起草提案"}, el("h3", {}, task ? "为任务「" + task.key + "」起草提案" : "起草提案"),
      el("div", {class: "row"}, el("label", {for: "prop-kind"}, "提案类型", kind)), fields, el("button", {type: "submit"}, "提交草稿"));
    form.addEventListener("submit", async e => {
      e.preventDefault();
      const v = Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value.trim()]));
      const payload = kind.value === "synonym" ? {kind: v.syn_kind, terms: splitTerms(v.terms)}
        : kind.value === "faq" ? {question: v.question, answer: v.answer} : {query: v.query, target_type: v.target_type, target_id: v.target_id};
      const r = await call("POST", "/v1/admin/curation/proposals", {kind: kind.value, payload, task_id: task ? task.id : null});
      say(status, r, "草稿已提交，等待其他角色审核");
      if (r.ok) { draft.replaceChildren(); load(); }
    });
    draft.replaceChildren(form);
    form.querySelector("input, select").focus();
  }

  async function act(path, body, okText) {
    const r = await call("POST", path, body);
    say(status, r, okText);
    load();
  }

  async function load() {
    const [t, p, a] = await Promise.all([call("GET", "/v1/admin/curation/tasks"), call("GET", "/v1/admin/curation/proposals"), call("GET", "/v1/admin/curation/audit?limit=30")]);
    if (!t.ok || !p.ok || !a.ok) return say(status, [t, p, a].find(x => !x.ok));
    tasks.replaceChildren(t.data.length ? table([["类型", x => TASK_NAMES[x.kind]], ["问题", x => x.key], ["次数", x => x.count], ["示例", x => x.examples.join("；")],
      ["操作", x => can("propose") ? [el("button", {type: "button", onclick: () => draftForm(x)}, "起草提案"), " ",
        el("button", {type: "button", onclick: () => act("/v1/admin/curation/tasks/" + x.id + "/dismiss", undefined, "已忽略")}, "忽略")] : "—"]], t.data, "待办任务")
      : el("p", {}, "暂无待办任务（近7天出现3次以上的零结果、低评分、转人工问题会自动进入这里）。"));
    proposals.replaceChildren(table([["编号", x => x.id], ["类型", x => PROPOSAL_NAMES[x.kind]], ["内容", x => payloadText(x.kind, x.payload)],
      ["状态", x => el("span", {class: "state-" + x.state}, STATE_NAMES[x.state])], ["起草人", x => x.author], ["审核人", x => x.reviewer || "—"], ["说明", x => x.note || ""],
      ["操作", x => [
        x.state === "draft" && can("review") ? [el("button", {type: "button", onclick: () => act("/v1/admin/curation/proposals/" + x.id + "/approve", undefined, "已批准")}, "批准"), " ",
          el("button", {type: "button", onclick: () => { const reason = prompt("驳回理由"); if (reason) act("/v1/admin/curation/proposals/" + x.id + "/reject", {reason}, "已驳回"); }}, "驳回")] : null,
        x.state === "approved" && can("publish") ? el("button", {type: "button", onclick: () => act("/v1/admin/curation/proposals/" + x.id + "/publish", undefined, "已上线，立即生效")}, "上线") : null]]],
      p.data, "提案"));
    audit.replaceChildren(table([["时间", x => fmtTime(x.at)], ["操作人", x => x.actor], ["角色", x => x.role], ["操作", x => x.action],
      ["对象", x => x.entity + " " + x.entity_id]], a.data, "审计记录"));
  }

  view.append(el("div", {class: "panel"}, el("h2", {}, "待办任务"), status, tasks,
      can("propose") ? el("button", {type: "button", onclick: () => draftForm(null)}, "新建提案") : null, draft),
    el("div", {class: "panel"}, el("h2", {}, "提案（草稿 → 批准 → 上线，须由另一角色审核）"), proposals),
    el("div", {class: "panel"}, el("h2", {}, "审计记录"), audit));
  load();
}});

/* ---------- analytics ---------- */
const isoDay = d => d.toISOString().slice(0, 10);
const pct = v => (v * 100).toFixed(1) + "%";

async function downloadCsv(path, name) {
  const res = await fetch(path + (path.includes("?") ? "&" : "?") + "format=csv", {headers: {authorization: "Bearer " + consoleState.token}});
  if (!res.ok) return;
  const url = URL.createObjectURL(await res.blob());
  const a = el("a", {href: url, download: name + ".csv"});
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

registerScreen({id: "analytics", title: "数据分析", allowed: me => me.permissions.includes("read"), render(view) {
  const today = new Date();
  const since = el("input", {id: "an-since", type: "date", value: isoDay(new Date(today - 29 * 86400e3))});
  const until = el("input", {id: "an-until", type: "date", value: isoDay(today)});
  const out = el("div");
  const range = () => "since=" + since.value + "&until=" + until.value;

  function figure(title, chart, csvPath, csvName, extra) {
    return el("section", {class: "panel", "aria-label": title}, el("h3", {}, title), extra || null, chart,
      csvPath ? el("button", {type: "button", onclick: () => downloadCsv(csvPath, csvName)}, "下载 CSV") : null);
  }

  async function goodShareByWeek() {
    const weeks = [];
    const end = new Date(until.value);
    for (let i = 5; i >= 0; i--) weeks.push([new Date(end - (i * 7 + 6) * 86400e3), new Date(end - i * 7 * 86400e3)]);
    const results = await Promise.all(weeks.map(([a, b]) => call("GET", `/v1/admin/analytics/ratings?by=department&since=${isoDay(a)}&until=${isoDay(b)}`)));
    const series = {};
    results.forEach((r, i) => (r.ok ? r.data : []).forEach(row => {
      const name = row.key || "未知部门";
      (series[name] ||= Array(weeks.length).fill(null))[i] = row.good_share;
    }));
    const top = Object.fromEntries(Object.entries(series).slice(0, 6));
    return lineChart("各部门好评率（按周）", weeks.map(([, b]) => isoDay(b).slice(5)), top);
  }

  async function load() {
    const q = range();
    const [top, zero, ctr, handoff] = await Promise.all(["top-queries?limit=1000", "zero-result-queries?limit=1000", "ctr-by-position", "handoff-rate"]
      .map(p => call("GET", "/v1/admin/analytics/" + p + (p.includes("?") ? "&" : "?") + q)));
    if (!top.ok) { out.replaceChildren(el("p", {class: "err", role: "alert"}, errorText(top))); return; }
    const total = top.data.reduce((s, r) => s + r.count, 0), zeros = zero.data.reduce((s, r) => s + r.count, 0);
    const clicks = ctr.data.reduce((s, r) => s + r.clicks, 0), shown = ctr.data.length ? ctr.data[0].impressions : 0;
    out.replaceChildren(
      el("p", {class: "panel"}, `查询 ${total} 次；零结果率 ${pct(total ? zeros / total : 0)}；首位点击率 ${pct(shown ? (ctr.data[0].clicks / shown) : 0)}；点击 ${clicks} 次；转人工率 ${handoff.ok ? pct(handoff.data.rate ?? 0) : "—"}`),
      figure("热门查询", barChart("热门查询", top.data.slice(0, 10).map(r => [r.query, r.count])), "/v1/admin/analytics/top-queries?" + q, "top-queries"),
      figure("零结果查询", barChart("零结果查询", zero.data.slice(0, 10).map(r => [r.query, r.count])), "/v1/admin/analytics/zero-result-queries?" + q, "zero-result-queries"),
      figure("各位置点击率", barChart("各位置点击率", ctr.data.slice(0, 10).map(r => ["第 " + r.position + " 位", r.ctr]), pct), "/v1/admin/analytics/ctr-by-position?" + q, "ctr-by-position"),
      figure("各部门好评率（按周）", await goodShareByWeek(), "/v1/admin/analytics/ratings?by=department&" + q, "ratings-by-department"));
  }
  view.append(el("form", {class: "row panel", onsubmit: e => { e.preventDefault(); load(); }},
    el("label", {for: "an-since"}, "开始日期", since), el("label", {for: "an-until"}, "结束日期", until), el("button", {type: "submit"}, "查询")), out);
  load();
}});

/* ---------- evaluation ---------- */
registerScreen({id: "eval", title: "效果评测", allowed: me => me.permissions.includes("read"), render(view) {
  const status = el("p", {role: "status"});
  const out = el("div");
  const stored = el("select", {id: "ev-stored"}, el("option", {value: ""}, "（使用上传的文件）"));
  const file = el("input", {id: "ev-file", type: "file", accept: ".jsonl,.json,.txt"});
  const kind = el("select", {id: "ev-kind"}, el("option", {value: "items"}, "事项搜索"), el("option", {value: "faq"}, "常见问答"));
  const sets = {};
  call("GET", "/v1/admin/eval/sets").then(r => { if (r.ok) for (const s of r.data) { sets[s.name] = s; stored.append(el("option", {value: s.name}, `${s.name}（${s.kind === "faq" ? "问答" : "事项"}，${s.queries} 条）`)); } });
  stored.addEventListener("change", () => { if (sets[stored.value]) kind.value = sets[stored.value].kind; });

  function render(res) {
    const num = v => typeof v === "number" ? (Number.isInteger(v) ? v : v.toFixed(3)) : v;
    if (res.kind === "items") {
      const rows = Object.entries(res.per_kind).sort(([a], [b]) => (a !== "overall") - (b !== "overall") || a.localeCompare(b));
      return table([["类别", r => r[0]], ["条数", r => r[1].n], ["nDCG@10", r => num(r[1]["ndcg@10"])], ["Recall@10", r => num(r[1]["recall@10"])], ["MRR", r => num(r[1].mrr)]], rows, "评测结果");
    }
    const main = ["top1", "recall@5", "answered_correct", "answered_wrong", "out_of_scope_answered", "n_in_scope", "n_out_of_scope"];
    return el("div", {}, table([["指标", k => k], ["数值", k => num(res[k])]], main, "问答评测"),
      table([["类别", r => r[0]], ["Top-1", r => num(r[1])]], Object.entries(res.top1_per_kind), "分类别 Top-1"));
  }

  const form = el("form", {class: "panel"}, el("h2", {}, "运行评测"),
    el("div", {class: "row"}, el("label", {for: "ev-stored"}, "已存查询集", stored), el("label", {for: "ev-file"}, "或上传 JSONL", file), el("label", {for: "ev-kind"}, "类型", kind), el("button", {type: "submit"}, "运行")), status);
  form.addEventListener("submit", async e => {
    e.preventDefault();
    const body = {kind: kind.value};
    if (stored.value) body.stored = stored.value;
    else if (file.files[0]) {
      try { body.queries = (await file.files[0].text()).split("\n").filter(l => l.trim()).map(l => JSON.parse(l)); }
      catch { status.className = "err"; status.textContent = "文件不是有效的 JSONL"; return; }
    } else { status.className = "err"; status.textContent = "请选择查询集或上传文件"; return; }
    status.className = ""; status.textContent = "评测中…";
    const started = performance.now();
    const r = await call("POST", "/v1/admin/eval", body);
    say(status, r, `评测完成，用时 ${((performance.now() - started) / 1000).toFixed(1)} 秒`);
    if (r.ok) out.replaceChildren(el("div", {class: "panel"}, el("h3", {}, "分类别结果"), render(r.data)));
  });
  view.append(form, out);
}});
