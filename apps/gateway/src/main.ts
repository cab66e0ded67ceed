import { IncomingMessage, ServerResponse } from 'node:http';
import { bootstrapService } from '@custos/platform';
import { GatewayModule, gatewayService } from './app.module';
import { GatewayConfig } from './gateway.config';
import { ProxyService } from './proxy/proxy.service';

void bootstrapService<GatewayConfig>(gatewayService, (config, logger) => GatewayModule.forRoot(config, logger), process.argv.slice(2), (app) => {
  // Mounted before body parsing and Nest's router: the gateway forwards bodies as streams.
  const proxy = app.get(ProxyService);
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => (/^\/(ajax-)?api\//.test(req.url ?? '') ? proxy.handle(req, res) : next()));
});
