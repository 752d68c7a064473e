/* The chatbot widget over POST /v1/chat: option chips, item cards, sources, hand-off as the
   hotline, navigation questions as buttons. In elderly mode it sends mode "elder", reads
   replies aloud (speechSynthesis) and offers a microphone (SpeechRecognition) where the
   browser has them; typing always works. */
"use strict";

(() => {
  const panel = $("#chat"), log = $("#chat-log"), form = $("#chat-form"), box = $("#chat-input"), mic = $("#mic");
  const opener = $("#chat-open");
  let session = null, busy = false;
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;

  function show(open) {
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
    opener.hidden = open;
    if (open) {
      if (!log.children.length) botSay({reply: "您好，我是智能客服。请问您想办什么事？", options: [], cards: [], sources: [], action: "smalltalk"});
      box.focus();
    } else opener.focus();
  }
  opener.addEventListener("click", () => show(true));
  $("#chat-close").addEventListener("click", () => show(false));

  function userSay(text) { log.append(el("div", {class: "msg user"}, text)); log.scrollTop = log.scrollHeight; }

  function botSay(turn) {
    const msg = el("div", {class: "msg bot", "data-action": turn.action}, el("div", {class: "reply"}, turn.reply));
    if (turn.action === "handoff") {
      const hotline = window.zwfwHotline || "12345";
      msg.append(el("div", {class: "hotline"}, "人工服务：请拨打政务服务热线 ", el("a", {href: "tel:" + hotline}, hotline)));
    }
    for (const card of turn.cards) {
      msg.append(el("div", {class: "card"}, el("strong", {}, card.title),
        el("p", {class: "meta"}, [card.department, card.region].filter(Boolean).join(" · "), card.online ? " " : "", card.online ? el("span", {class: "badge"}, "可网办") : null),
        card.type === "item" ? el("button", {type: "button", onclick: () => { show(false); window.zwfw.openDetail("item", card.id); }}, "查看办事指南")
          : (card.url ? el("a", {href: card.url, target: "_blank", rel: "noopener"}, "打开应用") : null)));
    }
    // Regional variants of one service share a title: name each source once.
    const sources = turn.sources.filter((s, i) => turn.sources.findIndex(t => t.title === s.title) === i);
    if (sources.length) {
      msg.append(el("div", {class: "sources"}, "来源：", sources.map((s, i) => [i ? "；" : "",
        s.url ? el("a", {href: s.url, target: "_blank", rel: "noopener"}, s.title) : s.title])));
    }
    if (turn.options.length) {
      msg.append(el("div", {class: "options", role: "group", "aria-label": turn.action === "navigate" ? "请选择" : "您可能想问"},
        turn.options.map(o => el("button", {type: "button", class: "chip", onclick: () => send(o)}, o))));
    }
    log.append(msg);
    log.scrollTop = log.scrollHeight;
    if (window.zwfw?.isElder()) speak(turn.speech || turn.reply);  // numbers in spoken form
  }

  function speak(text) {
    if (!("speechSynthesis" in window)) return;
    speechSynthesis.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.lang = "zh-CN"; u.rate = 0.9;
    speechSynthesis.speak(u);
  }

  async function send(text) {
    text = text.trim();
    if (!text || busy) return;
    busy = true;
    userSay(text);
    const mode = window.zwfw?.isElder() ? "elder" : "standard";
    const r = await api("POST", "/v1/chat", {session_id: session, message: text, mode});
    busy = false;
    if (!r.ok) { log.append(el("div", {class: "msg bot err"}, errorText(r))); return; }
    session = r.data.session_id;
    botSay(r.data);
  }
  form.addEventListener("submit", e => { e.preventDefault(); const t = box.value; box.value = ""; send(t); });

  /* the microphone: only where the browser can recognise speech; typing is the fallback */
  if (Recognition) {
    mic.hidden = false;
    mic.addEventListener("click", () => {
      const rec = new Recognition();
      rec.lang = "zh-CN"; rec.interimResults = false;
      mic.textContent = "正在听…"; mic.setAttribute("aria-pressed", "true");
      rec.onresult = e => { const said = e.results[0][0].transcript; send(said); };
      rec.onend = () => { mic.textContent = "语音"; mic.setAttribute("aria-pressed", "false"); };
      rec.onerror = () => { box.placeholder = "没听清，请打字输入您的问题"; };
      rec.start();
    });
  }
  document.addEventListener("zwfw:elder", e => {
    box.placeholder = e.detail ? (Recognition ? "点「语音」说话，或在这里打字" : "请在这里打字提问") : "请输入您的问题";
    mic.textContent = "语音";
  });
  document.addEventListener("zwfw:config", e => { window.zwfwHotline = e.detail.hotline; });
  window.zwfwChat = {open: () => show(true), send};
})();
