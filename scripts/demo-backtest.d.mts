// Types of scripts/demo-backtest.mjs (plain JS with JSDoc) for the TypeScript tests that import it.
export const DEMO_PREDICTORS: string[];
export function demoModelAndBacktest(
  api: (
    method: string,
    url: string,
    opts?: { token?: string; body?: string; contentType?: string },
  ) => Promise<{ status: number; json: any; text: string }>,
  demo: { id: string; token: string },
  modelId?: string,
): Promise<{ modelId: string; backtestId: string; splits: string[] }>;
