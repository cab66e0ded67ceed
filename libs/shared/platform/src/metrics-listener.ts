import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import http, { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BaseServiceConfig } from './config';
import { Metrics } from './metrics';

/**
 * `/metrics` on a listener of its own, never on the service's API port: the gateway's API port is
 * public, and a scrape (process, heap, routes and their latencies) is nobody's business but the
 * operator's. Bound to 127.0.0.1 unless METRICS_HOST says otherwise (a cluster's scraper reaches
 * the pod address, which network policies keep to it).
 */
@Injectable()
export class MetricsListener implements OnApplicationShutdown {
  private server?: Server;

  constructor(private readonly metrics: Metrics) {}

  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') {
        this.metrics.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': this.metrics.registry.contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
            res.end(req.method === 'HEAD' ? undefined : text);
          },
          () => {
            res.writeHead(500).end();
          },
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' }).end('not found\n');
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

/** The metrics port: METRICS_PORT, or the API port + 1000 (so the services' defaults never collide), or any free one past 65535. */
export function metricsPortOf(config: Pick<BaseServiceConfig, 'HTTP_PORT' | 'METRICS_PORT'>): number {
  if (config.METRICS_PORT !== undefined) return config.METRICS_PORT;
  return config.HTTP_PORT + 1000 <= 65535 ? config.HTTP_PORT + 1000 : 0;
}
