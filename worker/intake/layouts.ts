/**
 * Survey platforms' CSV exports with more than one header row, recognised from the first rows:
 * - Qualtrics ("Export Data → CSV", the default with "Use choice text"): row 1 the column ids (StartDate, …,
 *   Q1, Q2_1), row 2 the question text, row 3 ImportId JSON (`{"ImportId":"QID1"}`); answers from row 4.
 * - SurveyMonkey ("Export → All responses data → CSV"): row 1 Respondent ID, Collector ID, Start Date, End Date,
 *   …, then one cell per question (blank over the further columns of a multi-column question); row 2 "Response",
 *   "Open-Ended Response" or the answer option of each column; answers from row 3.
 */

export type SurveyLayout = "qualtrics" | "surveymonkey";

export interface HeaderLayout {
  layout: SurveyLayout | null;
  /** The column names to map and store. */
  headers: string[];
  /** Question text per column (Qualtrics row 2), also matched against the synonyms. */
  labels: string[] | null;
  /** Rows after the header row that are header rows too (not data). */
  skip: number;
}

const IMPORT_ID = /^\{\s*"ImportId"\s*:/;
const SM_RESPONSE = new Set(["response", "open-ended response", "open ended response"]);

/**
 * The layout of a file from its header row and (up to) its next two rows.
 * @example detectLayout(["ResponseId", "Q1"], [["Response ID", "How likely…"], ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}']]).layout // => "qualtrics"
 */
export function detectLayout(header: string[], next: string[][]): HeaderLayout {
  if (next.length >= 2 && next[1].some((c) => IMPORT_ID.test(c.trim()))) {
    return { layout: "qualtrics", headers: header, labels: header.map((_, i) => (next[0][i] ?? "").trim()), skip: 2 };
  }
  const lower = header.map((h) => h.trim().toLowerCase());
  if (next.length >= 1 && lower.includes("respondent id") && next[0].some((c) => SM_RESPONSE.has(c.trim().toLowerCase()))) {
    const sub = next[0];
    let parent = "";
    const headers = header.map((h, i) => {
      const own = h.trim();
      if (own) parent = own;
      const s = (sub[i] ?? "").trim();
      if (!s || SM_RESPONSE.has(s.toLowerCase())) return own || parent;
      return `${own || parent} - ${s}`;
    });
    // Header cells past the last question stay as they are; ensure the width of the data rows.
    for (let i = headers.length; i < sub.length; i++) headers.push(sub[i].trim() ? `${parent} - ${sub[i].trim()}` : "");
    return { layout: "surveymonkey", headers, labels: null, skip: 1 };
  }
  return { layout: null, headers: header, labels: null, skip: 0 };
}

/** Words of a survey question that name the metric it asks for (question text is free, so exact synonyms miss it). */
export const QUESTION_KEYWORDS: Record<string, RegExp> = {
  nps: /\brecommend/i,
  csat: /\bsatisf/i,
  ces: /\beffort\b|\beasy\b|\bease\b/i,
};

/** Derived columns that restate a question (Qualtrics' NPS group, SurveyMonkey's "Other (please specify)"). */
export const DERIVED_COLUMN = /nps[_ ]group|\s-\s*group$|please specify/i;
