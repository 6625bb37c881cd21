const SYMBOLS: Readonly<Record<string, string>> = { USD: '$', EUR: '€', GBP: '£' };

/** `$40.00`, `€12.50`, or `40.00 CHF` for currencies without a common symbol. */
export function formatMoney(amount: number, currency: string): string {
  const value = Math.abs(amount).toFixed(2);
  const sign = amount < 0 ? '-' : '';
  const symbol = SYMBOLS[currency];
  return symbol ? `${sign}${symbol}${value}` : `${sign}${value} ${currency}`;
}

/** `the purchases cost $35.00/month, more than settings.maxMonthlyPurchaseCost ($30.00/month)`: plan's refusal and apply's say it alike. */
export function costAboveCap(monthlyIncrease: number, cap: number, currency: string, limit: string): string {
  return `the purchases cost ${formatMoney(monthlyIncrease, currency)}/month, more than ${limit} (${formatMoney(cap, currency)}/month)`;
}
