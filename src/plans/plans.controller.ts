import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEFAULT_PAUSE_FEE, DEFAULT_PLAN_CATALOGUE, VAT_RATES } from '../domain/plans';

const money = (amount: number) => ({ amount, currency: 'EUR' as const });

@ApiTags('plans')
@ApiBearerAuth()
@Controller('v1/plans')
export class PlansController {
  /** The plan catalogue with net prices; VAT is added per customer country. */
  @Get()
  @ApiOperation({ summary: 'List the plan catalogue', description: 'Net prices in cents per plan, the pause fee and the VAT rates per country; VAT is added per customer country.' })
  list() {
    return {
      items: DEFAULT_PLAN_CATALOGUE.map((plan) => ({
        id: plan.id,
        name: plan.name,
        monthlyFeePerSeat: money(plan.monthlyFeePerSeat),
        maxSeats: plan.maxSeats,
        features: plan.features,
        usagePrices: Object.fromEntries(Object.entries(plan.usagePrices).map(([kind, cents]) => [kind, money(cents)])),
      })),
      pauseFee: money(DEFAULT_PAUSE_FEE),
      vatRates: VAT_RATES,
      pricesAre: 'net',
    };
  }
}
