/**
 * Names for the API's request and response types, all taken from the generated contract (web/src/api-schema.d.ts,
 * `npm run api:types` from the live /api/openapi.json): nothing here restates a field by hand. Each is the type the
 * typed client (openapi-fetch) hands back: its `Readable` view of the schema (intervals as number[], not tuples).
 */
import type { Readable } from "openapi-typescript-helpers";
import type { components, paths } from "./api-schema";

type Schemas = { [K in keyof components["schemas"]]: Readable<components["schemas"][K]> };

/** The JSON body of a path's answer with a status, as the contract declares it. */
export type JsonOf<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { "application/json": infer B } } };
}
  ? Readable<B>
  : never;
/** The query parameters of an operation. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;

export type ApiError = Schemas["Error"]["error"];
export type ErrorDetail = ApiError["details"][number];

export type Workspace = JsonOf<"/api/workspaces/{ws}", "get", 200>;
export type Dataset = Schemas["Dataset"];
export type DatasetColumn = Dataset["columns"][number];
export type JoinReport = Schemas["JoinReport"];
export type UploadResult = Schemas["UploadResult"];
export type UploadQuery = QueryOf<"/api/workspaces/{ws}/datasets", "post">;
export type UploadStart = Schemas["UploadStart"];
export type UploadQueued = JsonOf<"/api/workspaces/{ws}/uploads/{id}/complete", "post", 202>;

export type MetricsAnswer = JsonOf<"/api/workspaces/{ws}/metrics", "get", 200>;
export type Metrics = Schemas["Metrics"];
export type Benchmarks = Schemas["Benchmarks"];

export type Model = Schemas["Model"];
export type Coefficient = Model["coefficients"][number];
export type Translation = Schemas["Translation"];
export type Validation = Schemas["Validation"];
export type FitModelRequest = paths["/api/workspaces/{ws}/models"]["post"]["requestBody"]["content"]["application/json"];
export type ModelAccounts = Schemas["ModelAccounts"];

export type Scenario = Schemas["Scenario"];
export type Backtest = Schemas["Backtest"];
export type BacktestSplit = Schemas["BacktestSplit"];
export type BacktestOverview = JsonOf<"/api/workspaces/{ws}/backtests", "get", 200>;
export type SavedScenario = Schemas["SavedScenario"];
export type ScenarioRequest = paths["/api/workspaces/{ws}/scenarios"]["post"]["requestBody"]["content"]["application/json"];
export type Program = Schemas["Program"];

export type Drivers = Schemas["Drivers"];
export type DriverTouchpoint = Drivers["touchpoints"][number];
export type Segments = Schemas["Segments"];
export type SegmentCell = Segments["cells"][number];
export type Clv = Schemas["Clv"];
export type ClvCustomer = Clv["customers"][number];
export type Retention = JsonOf<"/api/workspaces/{ws}/clv/sbg", "get", 200>;
export type RetentionGroup = Retention["groups"][number];

export type CalcProgramResult = Schemas["CalcProgramResult"];
