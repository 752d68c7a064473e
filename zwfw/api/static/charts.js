/* Hand-drawn SVG charts (no chart library: the console must work offline). Each chart has a
   title for screen readers and is followed by its data table in the page. */
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const PALETTE = ["#0b57a4", "#a4001d", "#17642b", "#8a4b00", "#5b2a86", "#00646e"];

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** Horizontal bars: rows of [label, value]; `format` renders a value. */
function barChart(title, rows, format = v => v) {
  const width = 560, bar = 22, left = 190, height = Math.max(1, rows.length) * (bar + 6) + 10;
  const max = Math.max(1e-9, ...rows.map(r => r[1]));
  const chart = svg("svg", {viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": title}, svg("title", {}, title));
  rows.forEach(([label, value], i) => {
    const y = 5 + i * (bar + 6), w = (width - left - 60) * value / max;
    chart.append(svg("text", {x: left - 6, y: y + 15, "text-anchor": "end"}, String(label).slice(0, 16)),
      svg("rect", {x: left, y, width: Math.max(1, w), height: bar, fill: PALETTE[0]}),
      svg("text", {x: left + w + 4, y: y + 15}, format(value)));
  });
  if (!rows.length) chart.append(svg("text", {x: 10, y: 20}, "暂无数据"));
  return chart;
}

/** Lines over x labels: series is {name: [value|null per x]}, values in [0, 1] as percent. */
function lineChart(title, xLabels, series) {
  const width = 560, height = 240, left = 40, bottom = 30, top = 10, right = 130;
  const plotW = width - left - right, plotH = height - top - bottom;
  const x = i => left + (xLabels.length > 1 ? i * plotW / (xLabels.length - 1) : plotW / 2);
  const y = v => top + plotH * (1 - v);
  const chart = svg("svg", {viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": title}, svg("title", {}, title));
  for (const v of [0, 0.5, 1]) chart.append(svg("line", {x1: left, x2: left + plotW, y1: y(v), y2: y(v), stroke: "#c8ccd2"}),
    svg("text", {x: left - 4, y: y(v) + 4, "text-anchor": "end"}, Math.round(v * 100) + "%"));
  xLabels.forEach((label, i) => chart.append(svg("text", {x: x(i), y: height - 8, "text-anchor": "middle"}, label)));
  Object.entries(series).forEach(([name, values], s) => {
    const color = PALETTE[s % PALETTE.length];
    const points = values.map((v, i) => v === null ? null : [x(i), y(v)]).filter(Boolean);
    if (points.length > 1) chart.append(svg("polyline", {points: points.map(p => p.join(",")).join(" "), fill: "none", stroke: color, "stroke-width": 2}));
    for (const [px, py] of points) chart.append(svg("circle", {cx: px, cy: py, r: 3, fill: color}));
    chart.append(svg("text", {x: left + plotW + 8, y: top + 14 + s * 16, fill: color}, name.slice(0, 12)));
  });
  if (!Object.keys(series).length) chart.append(svg("text", {x: left + 10, y: top + 20}, "暂无数据"));
  return chart;
}
