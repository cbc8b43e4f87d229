import { esc } from "./client.js";
// Answer distribution as an inline SVG bar chart; `correct` keys are highlighted.
export function distributionSvg(dist, correct = []) {
  const entries = Object.entries(dist || {});
  const labels = { true: "正确", false: "错误", correct: "答对", wrong: "答错" };
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const w = 60, gap = 20, h = 160;
  const bars = entries.map(([k, v], i) => {
    const bh = Math.round((v / max) * (h - 40));
    const x = i * (w + gap) + gap, y = h - 20 - bh;
    const fill = correct.map(String).includes(k) ? "#16a34a" : "#64748b";
    return `<rect x="${x}" y="${y}" width="${w}" height="${bh}" fill="${fill}" rx="4"></rect>` +
      `<text x="${x + w / 2}" y="${y - 4}" text-anchor="middle">${v}</text>` +
      `<text x="${x + w / 2}" y="${h - 4}" text-anchor="middle">${esc(labels[k] || k)}</text>`;
  }).join("");
  const width = entries.length * (w + gap) + gap;
  return `<svg role="img" aria-label="作答分布" viewBox="0 0 ${width} ${h}" width="100%" style="max-width:${width * 1.5}px">${bars}</svg>`;
}
