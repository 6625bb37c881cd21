const SYMBOLS: Readonly<Record<string, string>> = { USD: '$', EUR: '€', GBP: '£' };

/** `$40.00`, `€12.50`, or `40.00 CHF` for currencies without a common symbol. */
export function formatMoney(amount: number, currency: string): string {
  const value = Math.abs(amount).toFixed(2);
  const sign = amount < 0 ? '-' : '';
  const symbol = SYMBOLS[currency];
  return symbol ? `${sign}${symbol}${value}` : `${sign}${value} ${currency}`;
}
