/** Holdout test of the CLV model: predicted vs actual repeat purchases by calibration frequency, and the weekly cumulative curve. */
import { Chart, track } from "./registry";

export interface HoldoutRow {
  label: string;
  predicted: number;
  actual: number;
}

/** Bars: mean repeat purchases per customer in the holdout period, by calibration frequency (FHL 2005 fig. 3). */
export function renderHoldoutByFrequency(canvas: HTMLCanvasElement, rows: HoldoutRow[], holdoutDays: number): Chart {
  return track(
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map((r) => r.label),
        datasets: [
          { label: "Actual", data: rows.map((r) => r.actual), backgroundColor: "#8a93a6" },
          { label: "Predicted (model fitted on the calibration period)", data: rows.map((r) => r.predicted), backgroundColor: "#2455c3" },
        ],
      },
      options: {
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { title: { display: true, text: "Repeat purchases in the calibration period" } },
          y: { beginAtZero: true, title: { display: true, text: `Purchases per customer (${holdoutDays}-day holdout)` } },
        },
      },
    }),
  );
}

/** Lines: cumulative repeat transactions by week, predicted and actual, the calibration end marked (FHL 2005 fig. 4). */
export function renderHoldoutWeekly(
  canvas: HTMLCanvasElement,
  weekly: { week: number; predicted: number; actual: number }[],
  calibrationWeeks: number,
): Chart {
  const top = Math.max(...weekly.map((w) => Math.max(w.predicted, w.actual)));
  return track(
    new Chart(canvas, {
      type: "scatter",
      data: {
        datasets: [
          {
            label: "Actual",
            data: weekly.map((w) => ({ x: w.week, y: w.actual })),
            showLine: true,
            borderColor: "#8a93a6",
            pointRadius: 0,
            borderWidth: 2,
          },
          {
            label: "Predicted",
            data: weekly.map((w) => ({ x: w.week, y: w.predicted })),
            showLine: true,
            borderColor: "#2455c3",
            borderDash: [6, 4],
            pointRadius: 0,
            borderWidth: 2,
          },
          {
            label: `Calibration end (week ${calibrationWeeks})`,
            data: [
              { x: calibrationWeeks, y: 0 },
              { x: calibrationWeeks, y: top },
            ],
            showLine: true,
            borderColor: "#c0392b",
            pointRadius: 0,
            borderWidth: 1,
          },
        ],
      },
      options: {
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { title: { display: true, text: "Week since the first purchase in the data" } },
          y: { beginAtZero: true, title: { display: true, text: "Cumulative repeat transactions (count)" } },
        },
      },
    }),
  );
}
