/* Shared helpers of both pages: HTTP calls, escaping, element building. No dependencies. */
"use strict";

/** Calls the API; resolves to {ok, status, data, rid} and never throws on HTTP errors. */
async function api(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers["authorization"] = "Bearer " + token;
  let res;
  try {
    res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    return {ok: false, status: 0, data: {detail: "网络连接失败，请稍后再试"}, rid: null};
  }
  const type = res.headers.get("content-type") || "";
  let data = null;
  if (type.includes("json")) data = await res.json();
  else if (res.status !== 204) data = await res.text();
  return {ok: res.ok, status: res.status, data, rid: res.headers.get("x-request-id")};
}

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

/** The API wraps matches in <em>; everything else is escaped, then only <em> is restored. */
function highlight(text) {
  return esc(text).replace(/&lt;(\/?)em&gt;/g, "<$1em>");
}

/** el("p", {class: "x", onclick: f}, "text", child) builds an element; strings become text. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "html") node.innerHTML = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(selector, root) { return (root || document).querySelector(selector); }

function errorText(result) {
  const d = result.data;
  if (result.status === 401) return "令牌无效或已过期，请重新输入";
  if (result.status === 403) return "当前角色没有此操作的权限";
  if (result.status === 429) return "操作过于频繁，请稍后再试";
  if (result.status === 503) return "服务正在加载，请稍后再试";
  return (d && (d.detail || d.title)) ? "操作失败：" + (typeof d.detail === "string" ? d.detail : JSON.stringify(d.detail)) : "操作失败（" + result.status + "）";
}
