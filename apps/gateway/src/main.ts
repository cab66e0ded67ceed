import { IncomingMessage, ServerResponse } from 'node:http';
import { bootstrapService } from '@custos/platform';
import { GatewayModule, gatewayService } from './app.module';
import { GatewayConfig } from './gateway.config';
import { ProxyService } from './proxy/proxy.service';

/** Probes only; everything else passes IP rules and authentication first (metrics have their own listener). */
const OPEN_PATHS = new Set(['/health/live', '/health/ready']);

void bootstrapService<GatewayConfig>(
  gatewayService,
  (config, logger) => GatewayModule.forRoot(config, logger),
  process.argv.slice(2),
  (app) => {
    // Mounted before body parsing and Nest's router: the gateway forwards bodies as streams, and hands
    // its own routes (`/api/gateway/*`) on to Nest only once the caller passed IP rules and
    // authentication. No other path reaches Nest's router, whatever its spelling (Express matches
    // routes case-insensitively; this door does not let `/API/gateway/...` around it).
    const proxy = app.get(ProxyService);
    app.use((req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => (OPEN_PATHS.has((req.url ?? '/').split('?')[0]) ? next() : proxy.handle(req, res, next)));
  },
);
