import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { Actions } from '@custos/rbac';
import { DENIAL_HEADER, MlflowApi, Policy } from '@custos/platform';
import { GraphqlRequestBody, GraphqlRequestQuery, GraphqlResponse } from '../dtos/graphql.dto';
import { GraphqlAnswer, GraphqlRequest, MlflowGraphql } from './mlflow-graphql.service';

/** A GET carries the request in its query string; `variables` there is JSON text. */
function fromQueryString(q: Request['query']): GraphqlRequest | GraphqlAnswer {
  const one = (v: unknown) => (Array.isArray(v) ? (v[0] as unknown) : v);
  const variables = one(q.variables);
  if (typeof variables !== 'string' || variables === '') return { query: one(q.query), operationName: one(q.operationName) };
  try {
    return { query: one(q.query), operationName: one(q.operationName), variables: JSON.parse(variables) as unknown };
  } catch {
    return { status: 400, body: { data: null, errors: ["'variables' must be JSON."] } };
  }
}

/**
 * MLflow's GraphQL endpoint (`/graphql`, GET and POST as MLflow registers it), which its web UI
 * reads experiment and run pages through. Open to any caller as the searches are: every field
 * checks the caller's access on what it reads, as its REST route does.
 */
@Controller()
export class GraphqlController {
  constructor(private readonly graphql: MlflowGraphql) {}

  @Post('graphql')
  @HttpCode(200)
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ body: GraphqlRequestBody, response: GraphqlResponse })
  async post(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const body = req.body as unknown;
    const request = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as GraphqlRequest) : {};
    return this.answer(await this.graphql.run(request), res);
  }

  @Get('graphql')
  @Policy(Actions.authenticated({ area: 'experiments', level: 'READ' }))
  @MlflowApi({ query: GraphqlRequestQuery, response: GraphqlResponse })
  async get(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const request = fromQueryString(req.query);
    return this.answer('status' in request ? request : await this.graphql.run(request), res);
  }

  private answer(a: GraphqlAnswer, res: Response) {
    res.status(a.status);
    if (a.denial !== undefined) res.setHeader(DENIAL_HEADER, encodeURIComponent(a.denial.slice(0, 512)));
    return a.body;
  }
}
