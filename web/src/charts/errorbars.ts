/**
 * A chart.js plugin drawing 95% interval whiskers for datasets that carry `ci: [lo, hi][]`
 * (vertical for bar/line charts, horizontal when the chart's indexAxis is "y" or `ciAxis: "x"`).
 */
import type { Chart, ChartType, Plugin } from "chart.js";

// The dataset options this plugin reads, on every chart type's datasets.
declare module "chart.js" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a merged declaration repeats chart.js's type parameters
  interface ChartDatasetProperties<TType extends ChartType, TData> {
    /** 95% interval [lo, hi] of each point (null: none). */
    ci?: (readonly number[] | null)[];
    /** "x" draws horizontal whiskers (default: along the value axis). */
    ciAxis?: "x" | "y";
    ciColor?: string;
  }
}

export const errorBars: Plugin = {
  id: "errorBars",
  afterDatasetsDraw(chart: Chart) {
    const ctx = chart.ctx;
    chart.data.datasets.forEach((ds, di) => {
      const ci = ds.ci;
      if (!ci || !chart.isDatasetVisible(di)) return;
      const meta = chart.getDatasetMeta(di);
      const horizontal = ds.ciAxis === "x" || ("indexAxis" in chart.options && chart.options.indexAxis === "y");
      const scale = horizontal ? chart.scales[meta.xAxisID ?? "x"] : chart.scales[meta.yAxisID ?? "y"];
      ctx.save();
      const area = chart.chartArea;
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      ctx.strokeStyle = ds.ciColor ?? "#1d2433";
      ctx.lineWidth = 1.5;
      meta.data.forEach((el, i) => {
        const iv = ci[i];
        if (!iv || !Number.isFinite(iv[0]) || !Number.isFinite(iv[1])) return;
        const a = scale.getPixelForValue(iv[0]);
        const b = scale.getPixelForValue(iv[1]);
        const cap = 5;
        ctx.beginPath();
        if (horizontal) {
          ctx.moveTo(a, el.y);
          ctx.lineTo(b, el.y);
          ctx.moveTo(a, el.y - cap);
          ctx.lineTo(a, el.y + cap);
          ctx.moveTo(b, el.y - cap);
          ctx.lineTo(b, el.y + cap);
        } else {
          ctx.moveTo(el.x, a);
          ctx.lineTo(el.x, b);
          ctx.moveTo(el.x - cap, a);
          ctx.lineTo(el.x + cap, a);
          ctx.moveTo(el.x - cap, b);
          ctx.lineTo(el.x + cap, b);
        }
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};
