import { STATUS_CODES } from 'node:http';

/**
 * The status-line reason phrases MLflow's server sends where Node's differ. `mlflow server` runs
 * under uvicorn, which takes each phrase from CPython's `http.HTTPStatus` (3.11, the version the
 * reference server here runs); Node follows the newer RFC 9110 names for these three. Scripts and
 * proxies that log or match the status line then read the same words from Custos as from MLflow.
 */
export const MLFLOW_REASON_PHRASES: Readonly<Record<number, string>> = {
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  416: 'Requested Range Not Satisfiable',
};

/**
 * Makes every response of this process use MLflow's phrases. Node's `writeHead` reads its phrase
 * from the table `http.STATUS_CODES` exposes, so changing that table once at boot covers Nest, the
 * gateway's own replies and the responses it relays, with nothing added to the request path.
 */
export function useMlflowReasonPhrases(): void {
  Object.assign(STATUS_CODES, MLFLOW_REASON_PHRASES);
}
