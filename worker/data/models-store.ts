import { type FittedModel, loadModel } from "../../models/regression/model";
import { newId } from "../auth";
import type { Env } from "../env";
import type { FitModelRequest } from "../linking/fit-model";
import type { ScenarioBody, ScenarioRequest } from "../linking/scenario-run";
import type { SurveyChoice } from "./join";

/** D1 storage of fitted models and saved scenarios (migrations/0003_models_scenarios.sql). */

export interface StoredModel {
  id: string;
  kind: "linear" | "logistic";
  outcome: string;
  /** The fit request as the API took it. */
  spec: FitModelRequest;
  /** The API response body without id, name and createdAt; checked by loadModel when read back. */
  result: FittedModel;
  datasets: { accounts: string; responses: string | null };
  createdAt: string;
}

/** The responses a model's account means were built from; models stored before survey types used all. */
export function modelSurveyType(m: StoredModel): SurveyChoice {
  return m.result.surveyType ?? "all";
}

interface ModelRow {
  id: string;
  kind: "linear" | "logistic";
  outcome: string;
  spec: string;
  result: string;
  datasets: string;
  created_at: string;
}

const modelOf = (r: ModelRow): StoredModel => ({
  id: r.id,
  kind: r.kind,
  outcome: r.outcome,
  spec: JSON.parse(r.spec),
  result: loadModel(r.result),
  datasets: JSON.parse(r.datasets),
  createdAt: r.created_at,
});

export async function insertModel(env: Env, ws: string, m: Omit<StoredModel, "id" | "createdAt">): Promise<StoredModel> {
  const id = newId("m");
  const row = await env.DB.prepare(
    "INSERT INTO models (id, workspace_id, kind, outcome, spec, result, datasets) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING created_at",
  )
    .bind(id, ws, m.kind, m.outcome, JSON.stringify(m.spec), JSON.stringify(m.result), JSON.stringify(m.datasets))
    .first<{ created_at: string }>();
  return { ...m, id, createdAt: row?.created_at ?? new Date().toISOString() };
}

/** A model of this workspace, or null (another workspace's id is "not found" too). */
export async function getModel(env: Env, ws: string, id: string): Promise<StoredModel | null> {
  const r = await env.DB.prepare("SELECT * FROM models WHERE id = ? AND workspace_id = ?").bind(id, ws).first<ModelRow>();
  return r ? modelOf(r) : null;
}

export async function listModels(env: Env, ws: string): Promise<StoredModel[]> {
  const { results } = await env.DB.prepare("SELECT * FROM models WHERE workspace_id = ? ORDER BY created_at DESC, id")
    .bind(ws)
    .all<ModelRow>();
  return results.map(modelOf);
}

export interface StoredScenario {
  id: string;
  modelId: string;
  name: string;
  /** The scenario request as the API took it. */
  request: ScenarioRequest;
  /** The API response body without id and createdAt. */
  result: ScenarioBody;
  createdAt: string;
}

interface ScenarioRow {
  id: string;
  model_id: string;
  name: string;
  request: string;
  result: string;
  created_at: string;
}

const scenarioOf = (r: ScenarioRow): StoredScenario => ({
  id: r.id,
  modelId: r.model_id,
  name: r.name,
  request: JSON.parse(r.request),
  result: JSON.parse(r.result),
  createdAt: r.created_at,
});

export async function insertScenario(env: Env, ws: string, s: Omit<StoredScenario, "id" | "createdAt">): Promise<StoredScenario> {
  const id = newId("s");
  const row = await env.DB.prepare(
    "INSERT INTO scenarios (id, workspace_id, model_id, name, request, result) VALUES (?, ?, ?, ?, ?, ?) RETURNING created_at",
  )
    .bind(id, ws, s.modelId, s.name, JSON.stringify(s.request), JSON.stringify(s.result))
    .first<{ created_at: string }>();
  return { ...s, id, createdAt: row?.created_at ?? new Date().toISOString() };
}

export async function getScenario(env: Env, ws: string, id: string): Promise<StoredScenario | null> {
  const r = await env.DB.prepare("SELECT * FROM scenarios WHERE id = ? AND workspace_id = ?").bind(id, ws).first<ScenarioRow>();
  return r ? scenarioOf(r) : null;
}

export async function listScenarios(env: Env, ws: string): Promise<StoredScenario[]> {
  const { results } = await env.DB.prepare("SELECT * FROM scenarios WHERE workspace_id = ? ORDER BY created_at DESC, id")
    .bind(ws)
    .all<ScenarioRow>();
  return results.map(scenarioOf);
}
