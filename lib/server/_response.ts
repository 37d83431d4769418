/** Builds a JSON response with the headers every answer of the app carries. */
export function jsonResponse(
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  return jsonTextResponse(status, JSON.stringify(body), requestId, headers);
}

/** Like {@linkcode jsonResponse} for a body that is already JSON text. */
export function jsonTextResponse(
  status: number,
  json: string,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(json, {
    status,
    headers: { ...headers, "content-type": "application/json", "apim-request-id": requestId },
  });
}
