import { EventSchemaRegistry } from './schema-registry';
import { trackingEvents } from './contexts/tracking.events';
import { gatewayEvents } from './contexts/gateway.events';
import { aiGatewayEvents } from './contexts/ai-gateway.events';
import { auditEvents } from './contexts/audit.events';
import { registryEvents } from './contexts/registry.events';
import { authzEvents, authzSensitiveFields } from './contexts/authz.events';
import { aiUsageEvents } from './contexts/ai-usage.events';

/** The single catalog of every event type in Custos; every producer and consumer validates against it. */
export const eventCatalog = new EventSchemaRegistry([...trackingEvents, ...gatewayEvents, ...aiGatewayEvents, ...aiUsageEvents, ...auditEvents, ...registryEvents, ...authzEvents]);

/** Per event type, data fields that must not be copied into the audit record (credential hashes). */
export const sensitiveFields: Readonly<Record<string, readonly string[]>> = { ...authzSensitiveFields };
