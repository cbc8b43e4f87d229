import { fmt, gettext } from "../js/i18n.js";
import { choicesOf, esc, fmtScore, secondsLeft } from "./client.js";
// Charts of the live pages, all inline SVG drawn from what the server sent.

const SHORT = { true: gettext("正确"), false: gettext("错误"), correct: gettext("答对"), wrong: gettext("答错") };

// Answer distribution as an SVG bar chart (host console); `correct` keys are highlighted.
export function distributionSvg(dist, correct = []) {
  const entries = Object.entries(dist || {});
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const w = 60, gap = 20, h = 160;
  const bars = entries.map(([k, v], i) => {
    const bh = Math.round((v / max) * (h - 40));
    const x = i * (w + gap) + gap, y = h - 20 - bh;
    const fill = correct.map(String).includes(k) ? "#16a34a" : "#64748b";
    return `<rect x="${x}" y="${y}" width="${w}" height="${bh}" fill="${fill}" rx="4"></rect>` +
      `<text x="${x + w / 2}" y="${y - 4}" text-anchor="middle">${v}</text>` +
      `<text x="${x + w / 2}" y="${h - 4}" text-anchor="middle">${esc(SHORT[k] || k)}</text>`;
  }).join("");
  const width = entries.length * (w + gap) + gap;
  return `<svg role="img" aria-label="${esc(gettext("作答分布"))}" viewBox="0 0 ${width} ${h}" width="100%" style="max-width:${width * 1.5}px">${bars}</svg>`;
}

// The rows of a distribution for a question: one per choice (its label and text), or
// 答对 / 答错 for fill-in. Each row: {key, label, text, count, correct}.
export function distributionRows(q, reveal) {
  const dist = reveal.distribution || {};
  const key = [].concat(reveal.answer).map(String);
  if (q && q.qtype === "fill") {
    return ["correct", "wrong"].map((k) => ({ key: k, label: "", text: SHORT[k], count: dist[k] || 0, correct: k === "correct" }));
  }
  const choices = q ? choicesOf(q) : Object.keys(dist).map((k) => ({ key: k, label: SHORT[k] ? "" : k, text: SHORT[k] || "" }));
  return choices.map((c) => ({ key: String(c.key), label: c.label, text: c.text, count: dist[String(c.key)] || 0, correct: key.includes(String(c.key)) }));
}

// The big screen's distribution: one horizontal SVG bar per choice, the right ones highlighted.
export function distributionList(rows, answered) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return rows.map((r) => {
    const pct = Math.round((r.count / max) * 100);
    const share = answered ? Math.round((r.count / answered) * 100) : 0;
    return `<li class="${r.correct ? "is-correct" : ""}" data-key="${esc(r.key)}">` +
      `<span class="opt-head">${r.label ? `<span class="opt-label">${esc(r.label)}</span>` : ""}<span class="opt-text">${esc(r.text)}</span>` +
      `<span class="opt-count">${esc(fmt(gettext("%(n)s 人"), { n: r.count }))} · ${share}%</span></span>` +
      `<svg class="opt-bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true"><rect width="100" height="4" class="track"></rect><rect width="${pct}" height="4" class="fill"></rect></svg></li>`;
  }).join("");
}

// A countdown ring driven by the server clock (client.now() carries the offset).
export function timerRing(el, client, getState) {
  const r = 45, c = 2 * Math.PI * r;
  el.innerHTML = `<svg viewBox="0 0 100 100" role="img" aria-label="${esc(gettext("倒计时"))}"><circle class="ring-track" cx="50" cy="50" r="${r}"></circle>` +
    `<circle class="ring-left" cx="50" cy="50" r="${r}" stroke-dasharray="${c.toFixed(2)}" stroke-dashoffset="0" transform="rotate(-90 50 50)"></circle>` +
    `<text class="ring-num" x="50" y="50" text-anchor="middle" dominant-baseline="central"></text></svg>`;
  const arc = el.querySelector(".ring-left"), num = el.querySelector(".ring-num");
  setInterval(() => {
    const s = getState();
    const left = secondsLeft(client, s);
    el.dataset.running = left == null ? "false" : "true";
    if (left == null) { num.textContent = ""; arc.setAttribute("stroke-dashoffset", c.toFixed(2)); return; }
    const frac = s.seconds ? Math.min(1, left / s.seconds) : 0;
    arc.setAttribute("stroke-dashoffset", (c * (1 - frac)).toFixed(2));
    el.dataset.urgent = left <= 5 ? "true" : "false";
    num.textContent = `${Math.ceil(left)}`;
  }, 200);
}

const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed"];

// A round "nice" top for an axis: 1, 2, 2.5 or 5 × 10^k steps, four of them.
function niceTop(max) {
  const raw = Math.max(1, max) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= raw);
  return step * 4;
}

// Score over time: each series' cumulative score after each question, as an SVG line chart
// `width` px wide (drawn at the container's width so its text keeps its size on a phone).
// Higher ranks are drawn wider and first, so equal lines stay visible under the ones after.
export function lineChart(history, width = 640) {
  const qs = history.questions || [], series = history.series || [];
  if (!qs.length || !series.length) return "";
  const W = Math.max(300, Math.min(760, Math.round(width))), H = Math.round(Math.min(320, W * 0.6));
  const L = 44, R = 16, T = 14, B = 34;
  const top = niceTop(Math.max(...series.flatMap((s) => s.points)));
  const x = (i) => L + (qs.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (qs.length - 1));
  const y = (v) => T + (H - T - B) * (1 - v / top);
  const grid = [0, 1, 2, 3, 4].map((k) => (top * k) / 4).map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" class="grid"></line><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${fmtScore(v)}</text>`).join("");
  const every = Math.ceil(qs.length / Math.max(1, Math.floor((W - L - R) / 44)));
  const xs = qs.map((p, i) => (i % every === 0 || i === qs.length - 1 ? `<text x="${x(i)}" y="${H - B + 20}" text-anchor="middle">${esc(fmt(gettext("第%(n)s题"), { n: p }))}</text>` : "")).join("");
  const lines = series.map((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const wide = 2.5 + (series.length - 1 - k) * 1.5;
    const pts = s.points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    const dots = s.points.map((v, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="${(wide / 2 + 1.5).toFixed(1)}" fill="${color}"><title>${esc(fmt(gettext("%(name)s 第%(n)s题后 %(score)s 分"), { name: s.name, n: qs[i], score: fmtScore(v) }))}</title></circle>`).join("");
    return `<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="${wide}" stroke-linejoin="round" stroke-linecap="round"></polyline>${dots}`;
  }).join("");
  const legend = series.map((s, k) => `<li><span class="swatch" style="background:${PALETTE[k % PALETTE.length]}"></span>${s.rank}. ${esc(s.name)}${s.organization ? `<small>${esc(s.organization)}</small>` : ""} <strong>${fmtScore(s.points[s.points.length - 1] ?? 0)}</strong></li>`).join("");
  return `<svg class="line-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(fmt(gettext("前 %(n)s 名选手的累计得分走势"), { n: series.length }))}">${grid}${xs}${lines}</svg><ul class="chart-legend">${legend}</ul>`;
}
