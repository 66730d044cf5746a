import { call, type Schema } from "./http.js";

/** What a client does: ask for an upload URL, PUT the bytes to Blob storage, return the ticket. */
export async function upload(
  token: string,
  kind: string,
  contentType: string,
  bytes: Buffer,
  o: { declaredSize?: number; fileName?: string } = {},
) {
  const start = await call<Schema<"UploadTicket">>("POST", "/api/me/uploads", {
    token,
    body: { kind, contentType, size: o.declaredSize ?? bytes.length, fileName: o.fileName ?? `mijn-${kind}` },
  });
  if (start.status !== 201) throw new Error(`start failed: ${start.status} ${JSON.stringify(start.body)}`);
  const put = await fetch(start.body.uploadUrl, { method: start.body.method, headers: start.body.headers, body: bytes });
  return { ticket: start.body, putStatus: put.status };
}

/** Completes an upload; `T` is the answer's body: the candidate's view by default, `Problem` for a refused file. */
export const complete = <T = Schema<"CandidateOwnView">>(token: string, uploadId: string) =>
  call<T>("POST", `/api/me/uploads/${uploadId}/complete`, { token });
