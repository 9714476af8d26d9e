/** Calibration plot: observed renewal rate against mean predicted probability by decile, with the diagonal. */
import { Chart, track } from "./registry";

export interface CalibrationBin {
  bin: number;
  n: number;
  meanPredicted: number;
  observedRate: number;
}

export function renderCalibration(canvas: HTMLCanvasElement, bins: CalibrationBin[]): Chart {
  return track(
    new Chart(canvas, {
      type: "scatter",
      data: {
        datasets: [
          {
            label: "Perfect calibration",
            data: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
            showLine: true,
            borderColor: "#8a93a6",
            borderDash: [5, 4],
            pointRadius: 0,
            borderWidth: 1.5,
          },
          {
            label: "Holdout deciles",
            data: bins.map((b) => ({ x: b.meanPredicted, y: b.observedRate })),
            showLine: true,
            borderColor: "#2455c3",
            backgroundColor: "#2455c3",
            pointRadius: 4,
          },
        ],
      },
      options: {
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { min: 0, max: 1, title: { display: true, text: "Mean predicted renewal probability" } },
          y: { min: 0, max: 1, title: { display: true, text: "Observed renewal rate" } },
        },
      },
    }),
  );
}
