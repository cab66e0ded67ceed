/**
 * MLflow's 3.0 informational routes as Custos answers them: what the web UI and the client read
 * to learn the server's set-up, and the features Custos does not offer answered as "off" in the
 * shapes MLflow's own server uses for off, so the UI hides them instead of failing.
 */

/** `GET /api/3.0/mlflow/server-info`, MLflow's field names. */
export function serverInfo() {
  return {
    // MLflow names only its own stores (FileStore, SqlStore) and answers null for any other.
    store_type: null,
    workspaces_enabled: false,
    trace_archival_enabled: false,
    // The artifact proxy streams each file whole: no multipart or presigned transfers to offer.
    multipart_uploads_enabled: false,
    multipart_downloads_enabled: false,
    presigned_upload_run_id_supported: false,
    presigned_upload_model_id_supported: false,
    features_enabled: { gateway: false },
  };
}

/** `GET /ajax-api/3.0/mlflow/ui-telemetry`: MLflow's configuration for telemetry turned off. */
export const UI_TELEMETRY_DISABLED = { disable_ui_telemetry: true, disable_ui_events: [] as string[], ui_rollout_percentage: 0 };
/** `POST /ajax-api/3.0/mlflow/ui-telemetry`: records are dropped, and the UI told to stop sending. */
export const UI_TELEMETRY_POST_DISABLED = { status: 'disabled' };

/** `GET .../assistant/config`: no provider, nothing reachable from this host. */
export const ASSISTANT_CONFIG_DISABLED = { providers: {}, projects: {}, remote_access_allowed: false };
/** `GET .../assistant/providers`: no provider to choose. */
export const ASSISTANT_PROVIDERS_DISABLED = { providers: [] as unknown[], resolved: null, gateway_vendor_options: {} };
/** `.../gateway-proxy` with no AI gateway behind it: no endpoints. */
export const GATEWAY_PROXY_EMPTY = { endpoints: [] as unknown[] };
