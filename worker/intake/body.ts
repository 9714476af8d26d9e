import type { Context } from "hono";
import type { AppEnv } from "../app";
import { ApiError } from "../errors";

export interface UploadBody {
  bytes: Uint8Array;
  contentType: string | null;
  filename: string | null;
}

/**
 * The uploaded file: the `file` field of a multipart/form-data body, or the raw
 * body (text/csv, xlsx, anything). Bodies over `maxBytes` get 413 too_large,
 * checked on Content-Length first so a huge body is not read at all.
 * @throws ApiError 413 too_large, 400 bad_request (multipart without `file`), 422 invalid_file (empty)
 */
export async function readUploadBody(c: Context<AppEnv>, maxBytes: number): Promise<UploadBody> {
  const tooLarge = (n: number | string) =>
    new ApiError(413, "too_large", `The upload is ${n} bytes; the limit is ${maxBytes} bytes (MAX_UPLOAD_BYTES). Split the file.`);
  const declared = Number(c.req.header("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(declared);
  const type = c.req.header("content-type") ?? "";
  let out: UploadBody;
  if (/^multipart\/form-data/i.test(type)) {
    let form: FormData;
    try {
      form = await c.req.raw.formData();
    } catch {
      throw new ApiError(400, "bad_request", "The multipart/form-data body cannot be read; send the file in a field named `file`.");
    }
    const files = form.getAll("file") as unknown as (File | string)[];
    if (files.length > 1) {
      throw new ApiError(400, "multiple_files", `The multipart body has ${files.length} fields named \`file\`; send one file per upload.`, [
        { column: "file", message: `${files.length} fields` },
      ]);
    }
    const file = (files[0] ?? null) as File | string | null;
    if (!file || typeof file === "string") {
      throw new ApiError(400, "bad_request", "The multipart body needs a file field named `file`.", [
        { column: "file", message: "missing" },
      ]);
    }
    out = { bytes: new Uint8Array(await file.arrayBuffer()), contentType: file.type || null, filename: file.name || null };
  } else {
    let buf: ArrayBuffer;
    try {
      buf = await c.req.raw.arrayBuffer();
    } catch {
      throw new ApiError(400, "bad_request", "The upload was cut off before the body was complete; send it again.");
    }
    out = { bytes: new Uint8Array(buf), contentType: type.split(";")[0].trim() || null, filename: null };
  }
  if (out.bytes.byteLength > maxBytes) throw tooLarge(out.bytes.byteLength);
  if (out.bytes.byteLength === 0) {
    throw new ApiError(
      422,
      "invalid_file",
      "The upload is empty: send the CSV or xlsx file as the body, or as the multipart field `file`.",
    );
  }
  return out;
}
