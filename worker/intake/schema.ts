import type { DatasetKind } from "../data/datasets";

/**
 * Canonical columns of each dataset kind (docs/api.md#datasets) and the header
 * synonyms that map to them. Synonyms are compared after `normalizeHeader`
 * (lowercase, accents, punctuation and spacing folded), so "Customer ID",
 * "customer_id" and "CUSTOMER-ID" are one synonym.
 */

/** API type of a column; decides the parser and the storage. */
export type ColumnType = "text" | "money" | "number" | "integer" | "0/1" | "date" | "fraction" | "survey type";

export interface CanonicalColumn {
  name: string;
  type: ColumnType;
  required?: boolean;
  /** Inclusive bounds (after parsing); integer columns are checked for whole numbers. */
  min?: number;
  max?: number;
  synonyms: string[];
  /**
   * Headers that name the opposite of this 0/1 column (churn for renewed): read as such and stored inverted,
   * renewed = 1 − churn. `mapping` may name the opposite too (`{"churned": "Header"}`).
   */
  opposite?: { name: string; synonyms: string[] };
}

const ID_SYNONYMS = [
  "account id",
  "account",
  "account number",
  "account no",
  "acct id",
  "acct",
  "customer id",
  "customer",
  "customer number",
  "customer no",
  "client id",
  "client",
  "company id",
  "org id",
  "organization id",
  "organisation id",
  "tenant id",
  "subscriber id",
  "user id",
  "cust id",
  "crm id",
  "salesforce id",
  "sfdc id",
  "account key",
  "customer key",
  "id",
];

export const KINDS: Record<DatasetKind, CanonicalColumn[]> = {
  accounts: [
    { name: "account_id", type: "text", required: true, synonyms: ID_SYNONYMS },
    {
      name: "arr",
      type: "money",
      required: true,
      min: 0,
      synonyms: [
        "annual revenue",
        "annual recurring revenue",
        "arr usd",
        "arr eur",
        "arr amount",
        "contract value",
        "annual contract value",
        "acv",
        "revenue",
        "annual value",
        "subscription value",
        "yearly revenue",
        "annual spend",
        "contract amount",
        "mrr x 12",
        "arr ($)",
        "arr (usd)",
      ],
    },
    {
      name: "renewed",
      type: "0/1",
      synonyms: ["renewal", "renewal status", "renewed?", "did renew", "is renewed", "retained", "renewal outcome", "outcome", "status"],
      opposite: {
        name: "churned",
        synonyms: [
          "churned",
          "churn",
          "churned?",
          "has churned",
          "did churn",
          "is churned",
          "churn flag",
          "churn status",
          "cancelled",
          "canceled",
          "cancelled?",
          "canceled?",
          "cancellation",
          "lost",
          "closed lost",
          "lost?",
          "attrited",
          "attrition",
          "did not renew",
          "not renewed",
          "non renewal",
          "exited",
          "left",
        ],
      },
    },
    {
      name: "segment",
      type: "text",
      synonyms: ["customer segment", "tier", "market segment", "size segment", "account segment", "segment name", "plan tier"],
    },
    { name: "region", type: "text", synonyms: ["geo", "geography", "territory", "sales region", "country region", "market", "area"] },
    {
      name: "tenure_months",
      type: "number",
      min: 0,
      synonyms: [
        "tenure",
        "tenure in months",
        "months as customer",
        "customer tenure",
        "months active",
        "lifetime months",
        "age months",
        "months",
      ],
    },
    {
      name: "renewal_date",
      type: "date",
      synonyms: [
        "renewal date",
        "contract end",
        "contract end date",
        "end date",
        "term end",
        "renewal due",
        "next renewal",
        "expiry date",
        "expiration date",
      ],
    },
    {
      name: "expansion",
      type: "fraction",
      synonyms: [
        "expansion rate",
        "expansion %",
        "expansion pct",
        "upsell",
        "upsell %",
        "growth",
        "net expansion",
        "arr growth",
        "nrr change",
      ],
    },
  ],
  responses: [
    { name: "account_id", type: "text", required: true, synonyms: ID_SYNONYMS },
    {
      name: "date",
      type: "date",
      synonyms: [
        "response date",
        "survey date",
        "submitted",
        "submitted at",
        "submission date",
        "created",
        "created at",
        "timestamp",
        "answered at",
        "completed",
        "completed at",
        "responded at",
        "day",
      ],
    },
    {
      name: "nps",
      type: "integer",
      min: 0,
      max: 10,
      synonyms: [
        "likelihood to recommend",
        "how likely are you to recommend",
        "recommend",
        "nps score",
        "nps rating",
        "net promoter score",
        "net promoter",
        "ltr",
        "likelihood",
        "recommendation score",
        "promoter score",
        "nps (0-10)",
      ],
    },
    {
      name: "csat",
      type: "integer",
      min: 1,
      max: 5,
      synonyms: [
        "satisfaction",
        "satisfaction score",
        "csat score",
        "customer satisfaction",
        "csat rating",
        "overall satisfaction",
        "sat score",
        "rating",
        "satisfaction rating",
      ],
    },
    {
      name: "ces",
      type: "integer",
      min: 1,
      max: 7,
      synonyms: ["effort", "effort score", "customer effort", "customer effort score", "ces score", "ease", "ease score"],
    },
    {
      name: "touchpoint",
      type: "text",
      synonyms: [
        "journey stage",
        "stage",
        "touch point",
        "channel",
        "interaction",
        "interaction type",
        "trigger",
        "event",
        "journey",
        "survey",
      ],
    },
    {
      // relationship / transactional (docs/methods.md#survey-type); values read by parseSurveyType (cells.ts).
      name: "survey_type",
      type: "survey type",
      synonyms: [
        "survey type",
        "type",
        "program",
        "survey program",
        "nps type",
        "nps program",
        "program type",
        "survey kind",
        "feedback type",
        "relationship or transactional",
      ],
    },
  ],
  transactions: [
    { name: "customer_id", type: "text", required: true, synonyms: ID_SYNONYMS },
    {
      name: "date",
      type: "date",
      required: true,
      synonyms: [
        "order date",
        "transaction date",
        "purchase date",
        "invoice date",
        "payment date",
        "created",
        "created at",
        "timestamp",
        "day",
      ],
    },
    {
      name: "amount",
      type: "money",
      required: true,
      synonyms: [
        "value",
        "order value",
        "revenue",
        "sales",
        "total",
        "price",
        "dollar value",
        "spend",
        "net amount",
        "gross amount",
        "payment value",
        "order total",
        "amount usd",
        "sale amount",
      ],
    },
  ],
};

/** Folds a header for comparison: lowercase, accents off, `_ - . /` and runs of spaces → one space. */
export function normalizeHeader(h: string): string {
  return h
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[_\-./:#]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** A safe snake_case name for an extra column ("Monthly Charge ($)" → "monthly_charge"). */
export function snakeName(h: string): string {
  const s = normalizeHeader(h)
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return s || "column";
}
