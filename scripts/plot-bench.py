#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Draw the P3 and P5 scaling curves of a `make bench` run as an SVG.

Usage: scripts/plot-bench.py RESULTS.json OUT.svg

RESULTS.json is what vwddm_bench --json wrote (scripts/bench.sh extracts
it from the console). Four panels, the number of contexts on a log axis
(1, 100, 1,000, 10,000):

  P3  engine reset, detected -> innocent work resubmitted (median, p99),
      the adapter-wide reset at 10,000 contexts, the targets
  P5  drain rate, CPU per packet, slab bytes per queued packet, with the
      targets drawn against the 100-context baseline

No third-party packages: the SVG is written by hand.
"""
import json
import math
import sys

W, H = 1000, 900         # the picture
PW, PH = 400, 240        # one panel's plot area
ML, MT = 80, 60          # margins of a panel's plot area in its cell
COLORS = {"median": "#1f77b4", "p99": "#ff7f0e", "adapter": "#2ca02c",
          "target": "#d62728", "base": "#7f7f7f"}


def esc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def nice_max(v):
    """A round upper bound for an axis."""
    if v <= 0 or not math.isfinite(v):
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * e:
            return m * e
    return 10 * e


def fmt(v):
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.0f}"
    if abs(v) >= 1:
        return f"{v:.1f}"
    return f"{v:.2g}"


class Panel:
    """One plot: x is the number of contexts (log); y linear from 0, or
    logarithmic from @ymin when @ymin is given."""

    def __init__(self, out, col, row, title, ylabel, ymax, ymin=None):
        self.out = out
        self.x0 = col * (W // 2) + ML
        self.y0 = row * (H // 2) + MT
        self.ylog = ymin is not None
        if self.ylog:
            self.ymin = 10 ** math.floor(math.log10(ymin))
            self.ymax = 10 ** math.ceil(math.log10(ymax))
        else:
            self.ymin = 0.0
            self.ymax = nice_max(ymax)
        self.xmin, self.xmax = 0.5, 20000
        o = out
        o.append(f'<text x="{self.x0 + PW / 2}" y="{self.y0 - 30}" '
                 f'text-anchor="middle" font-size="15" '
                 f'font-weight="bold">{esc(title)}</text>')
        o.append(f'<rect x="{self.x0}" y="{self.y0}" width="{PW}" '
                 f'height="{PH}" fill="none" stroke="#000"/>')
        if self.ylog:
            ticks = []
            d = self.ymin
            while d <= self.ymax * 1.0001:
                ticks.append(d)
                d *= 10
        else:
            ticks = [self.ymax * i / 5 for i in range(6)]
        for v in ticks:
            y = self.y(v)
            o.append(f'<line x1="{self.x0}" y1="{y}" x2="{self.x0 + PW}" '
                     f'y2="{y}" stroke="#ddd"/>')
            o.append(f'<text x="{self.x0 - 6}" y="{y + 4}" '
                     f'text-anchor="end" font-size="11">{fmt(v)}</text>')
        for c in (1, 10, 100, 1000, 10000):
            x = self.x(c)
            o.append(f'<line x1="{x}" y1="{self.y0}" x2="{x}" '
                     f'y2="{self.y0 + PH}" stroke="#eee"/>')
            o.append(f'<text x="{x}" y="{self.y0 + PH + 16}" '
                     f'text-anchor="middle" font-size="11">{c:,}</text>')
        o.append(f'<text x="{self.x0 + PW / 2}" y="{self.y0 + PH + 34}" '
                 f'text-anchor="middle" font-size="12">contexts on the '
                 f'adapter</text>')
        o.append(f'<text x="{self.x0 - 55}" y="{self.y0 + PH / 2}" '
                 f'text-anchor="middle" font-size="12" transform="rotate('
                 f'-90 {self.x0 - 55} {self.y0 + PH / 2})">'
                 f'{esc(ylabel)}</text>')
        self.legend = []

    def x(self, c):
        lo, hi = math.log10(self.xmin), math.log10(self.xmax)
        return self.x0 + (math.log10(c) - lo) / (hi - lo) * PW

    def y(self, v):
        if self.ylog:
            v = max(self.ymin, min(v, self.ymax))
            lo, hi = math.log10(self.ymin), math.log10(self.ymax)
            return self.y0 + PH - (math.log10(v) - lo) / (hi - lo) * PH
        v = max(0.0, min(v, self.ymax))
        return self.y0 + PH - v / self.ymax * PH

    def series(self, pts, color, label, dash=None):
        pts = [(c, v) for c, v in pts if v is not None and math.isfinite(v)]
        if not pts:
            return
        d = " ".join(f"{self.x(c):.1f},{self.y(v):.1f}" for c, v in pts)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        if len(pts) > 1:
            self.out.append(f'<polyline points="{d}" fill="none" '
                            f'stroke="{color}" stroke-width="2"{extra}/>')
        for c, v in pts:
            self.out.append(f'<circle cx="{self.x(c):.1f}" '
                            f'cy="{self.y(v):.1f}" r="4" fill="{color}"/>')
            label_v = fmt(v)
            self.out.append(f'<text x="{self.x(c) + 6:.1f}" '
                            f'y="{self.y(v) - 6:.1f}" font-size="10" '
                            f'fill="{color}">{label_v}</text>')
        self.legend.append((color, label, dash))

    def hline(self, v, label, dash="6,4"):
        if v is None or not math.isfinite(v):
            return
        y = self.y(v)
        self.out.append(f'<line x1="{self.x0}" y1="{y:.1f}" '
                        f'x2="{self.x0 + PW}" y2="{y:.1f}" '
                        f'stroke="{COLORS["target"]}" '
                        f'stroke-dasharray="{dash}"/>')
        self.legend.append((COLORS["target"], label, dash))

    def finish(self):
        """The legend, under the plot."""
        x = self.x0 - 40
        y = self.y0 + PH + 58
        for color, label, dash in self.legend:
            extra = f' stroke-dasharray="{dash}"' if dash else ""
            self.out.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" '
                            f'y2="{y - 4}" stroke="{color}" '
                            f'stroke-width="2"{extra}/>')
            self.out.append(f'<text x="{x + 24}" y="{y}" font-size="11">'
                            f'{esc(label)}</text>')
            y += 15


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot-bench.py RESULTS.json OUT.svg")
    with open(sys.argv[1]) as f:
        res = json.load(f)
    curves = res.get("curves", {})
    out = []
    sub = (f"vwddm_bench on {res.get('kernel', '?')}, "
           f"{res.get('method', {}).get('samples', '?')} samples per "
           f"latency figure; medians")

    p3 = curves.get("p3_engine_reset", [])
    ad = curves.get("p3_adapter_reset", [])
    ymax = max([p["p99_ms"] for p in p3 if p.get("p99_ms") is not None] +
               [p["median_ms"] for p in ad if p.get("median_ms")] + [2.2])
    ymin = min([p["median_ms"] for p in p3 + ad
                if p.get("median_ms")] + [0.5])
    pan = Panel(out, 0, 0, "P3 reset time (log scale)", "ms", ymax, ymin)
    pan.series([(p["contexts"], p["median_ms"]) for p in p3],
               COLORS["median"], "engine reset, median")
    pan.series([(p["contexts"], p["p99_ms"]) for p in p3],
               COLORS["p99"], "engine reset, p99", "3,3")
    pan.series([(p["contexts"], p["median_ms"]) for p in ad],
               COLORS["adapter"], "adapter reset, median")
    pan.hline(0.5, "target: engine 0.5 ms (1 ctx)", "6,4")
    one = next((p["median_ms"] for p in p3 if p["contexts"] == 1), None)
    if one is not None:
        pan.hline(1.1 * one, "target: 1.1x the 1-ctx median", "2,3")
    pan.hline(2.0, "target: adapter 2 ms", "10,3,2,3")
    pan.finish()

    p5 = curves.get("p5_drain", [])
    base = next((p for p in p5 if p["contexts"] == 100), None)

    def col(key, scale=1.0):
        return [(p["contexts"], p[key] * scale if p.get(key) is not None
                 else None) for p in p5]

    rates = [v for _, v in col("rate", 1e-3) if v is not None]
    pan = Panel(out, 1, 0, "P5 drain rate", "thousand packets/s",
                max(rates + [1]) * 1.1)
    pan.series(col("rate", 1e-3), COLORS["median"], "drain rate")
    if base:
        pan.hline(0.8 * base["rate"] * 1e-3, "target: 0.8x 100 contexts")
    pan.finish()

    cpu = [v for _, v in col("cpu_ns_per_packet", 1e-3) if v is not None]
    pan = Panel(out, 0, 1, "P5 CPU per packet", "us", max(cpu + [1]) * 1.1)
    pan.series(col("cpu_ns_per_packet", 1e-3), COLORS["median"],
               "CPU per packet (all CPUs)")
    if base:
        pan.hline(1.5 * base["cpu_ns_per_packet"] * 1e-3,
                  "target: 1.5x 100 contexts")
    pan.finish()

    mem = [v for _, v in col("slab_bytes_per_packet") if v is not None]
    pan = Panel(out, 1, 1, "P5 slab per queued packet", "bytes",
                max(mem + [280]) * 1.05)
    pan.series(col("slab_bytes_per_packet"), COLORS["median"],
               "active slab bytes / packet")
    pan.hline(256, "target: 256 B")
    pan.finish()

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" '
           f'height="{H + 30}" viewBox="0 0 {W} {H + 30}" '
           f'font-family="sans-serif">',
           f'<rect width="{W}" height="{H + 30}" fill="#fff"/>']
    svg += out
    svg.append(f'<text x="{W / 2}" y="{H + 20}" text-anchor="middle" '
               f'font-size="12" fill="#444">{esc(sub)}; P5: 1 x 1,000, '
               f'100 x 1,000, 1,000 x 100, 10,000 x 10 packets</text>')
    svg.append("</svg>")
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
