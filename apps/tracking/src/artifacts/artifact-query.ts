import { Request } from 'express';

/**
 * One query parameter as MLflow's handlers read it (`request.args.get`): the first value when it is
 * repeated, undefined when absent. These routes take their input from the query even on POST
 * (`upload-artifact`), where the body is the file.
 */
export function queryParam(req: Request, name: string): string | undefined {
  const v = req.query[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}
