/** An ISO time as the audit trail's lines show it, to the minute: `2026-11-25 14:02 UTC`. */
export const utcMinute = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
