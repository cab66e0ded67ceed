import { Controller, Get, HttpCode, Post, UseFilters } from '@nestjs/common';
import { Actions } from '@custos/rbac';
import { MlflowApi, Policy } from '@custos/platform';
import { GatewayError } from '../domain/gateway-error';
import { ASSISTANT_CONFIG_DISABLED, ASSISTANT_PROVIDERS_DISABLED, GATEWAY_PROXY_EMPTY, serverInfo, UI_TELEMETRY_DISABLED, UI_TELEMETRY_POST_DISABLED } from '../domain/mlflow-server-info';
import { ForbiddenAuditFilter } from '../proxy/forbidden.filter';
import {
  AssistantConfigResponse,
  AssistantRequest,
  AssistantProvidersResponse,
  GatewayProxyRequest,
  GatewayProxyResponse,
  ServerInfoResponse,
  UiTelemetryConfigResponse,
  UiTelemetryRecordsRequest,
  UiTelemetryRecordsResponse,
} from './mlflow-info.dto';

/**
 * MLflow's 3.0 informational routes, answered by the gateway itself: they describe the server as a
 * whole, not one service's data. Behind authentication like every route (MLflow answers
 * server-info without a login; Custos tells nothing to a caller it does not know).
 */
@Controller()
@Policy(Actions.authenticated())
@UseFilters(ForbiddenAuditFilter)
export class MlflowInfoController {
  @Get(['api/3.0/mlflow/server-info', 'ajax-api/3.0/mlflow/server-info'])
  @MlflowApi({ response: ServerInfoResponse })
  serverInfo() {
    return serverInfo();
  }

  @Get('ajax-api/3.0/mlflow/ui-telemetry')
  @MlflowApi({ response: UiTelemetryConfigResponse })
  telemetryConfig() {
    return UI_TELEMETRY_DISABLED;
  }

  // The body is not read: nothing is recorded.
  @Post('ajax-api/3.0/mlflow/ui-telemetry')
  @HttpCode(200)
  @MlflowApi({ body: UiTelemetryRecordsRequest, response: UiTelemetryRecordsResponse })
  telemetryRecords() {
    return UI_TELEMETRY_POST_DISABLED;
  }

  @Get('ajax-api/3.0/mlflow/assistant/config')
  @MlflowApi({ response: AssistantConfigResponse })
  assistantConfig() {
    return ASSISTANT_CONFIG_DISABLED;
  }

  @Get('ajax-api/3.0/mlflow/assistant/providers')
  @MlflowApi({ response: AssistantProvidersResponse })
  assistantProviders() {
    return ASSISTANT_PROVIDERS_DISABLED;
  }

  /**
   * The UI's door to MLflow's AI gateway (deployments server). None is configured behind Custos, and
   * MLflow's server then answers as an empty gateway, for reads and writes alike.
   */
  @Get('ajax-api/2.0/mlflow/gateway-proxy')
  @MlflowApi({ response: GatewayProxyResponse })
  gatewayProxyRead() {
    return GATEWAY_PROXY_EMPTY;
  }

  @Post('ajax-api/2.0/mlflow/gateway-proxy')
  @HttpCode(200)
  @MlflowApi({ body: GatewayProxyRequest, response: GatewayProxyResponse })
  gatewayProxyWrite() {
    return GATEWAY_PROXY_EMPTY;
  }

  // GET and POST are all the UI sends; other methods find no route (404).
  @Get('ajax-api/3.0/mlflow/assistant/*rest')
  @MlflowApi({ status: 501, params: { rest: 'any assistant route' } })
  assistantReadDisabled(): never {
    throw assistantUnavailable();
  }

  @Post('ajax-api/3.0/mlflow/assistant/*rest')
  @MlflowApi({ status: 501, body: AssistantRequest, params: { rest: 'any assistant route' } })
  assistantWriteDisabled(): never {
    throw assistantUnavailable();
  }
}

/** Sessions, messages, configuration changes: the assistant runs an agent on the server host, which Custos does not offer. */
function assistantUnavailable(): GatewayError {
  return new GatewayError('NOT_IMPLEMENTED', 'The MLflow assistant is not available on this server.');
}
