import { Controller, Get, Module } from '@nestjs/common';
import { Actions } from '@custos/rbac';
import { Policy, Public } from '@custos/platform';
import { listRoutePolicies } from './route-policies';

@Controller(['a', 'b'])
class SampleController {
  @Get('declared')
  @Policy(Actions.admin())
  declared() {
    return 1;
  }

  @Get('forgotten')
  forgotten() {
    return 2;
  }

  @Get('open')
  @Public()
  open() {
    return 3;
  }
}

@Module({ controllers: [SampleController] })
class SampleModule {}

describe('listRoutePolicies', () => {
  it('finds a route that forgot its policy, under every prefix', async () => {
    const routes = await listRoutePolicies(SampleModule);
    expect(
      routes
        .filter((r) => r.policy === 'missing')
        .map((r) => r.route)
        .sort(),
    ).toEqual(['0 /a/forgotten', '0 /b/forgotten']);
    expect(routes.filter((r) => r.policy === 'declared')).toHaveLength(2);
    expect(routes.filter((r) => r.policy === 'public')).toHaveLength(2);
  });
});
