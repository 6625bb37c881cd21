/**
 * What the tenant has bought and owns: its domains and subscriptions, plus the
 * built-in admin roles. Read from the database; loaded there by
 * `init --catalog`. Domain names are lower case; skus are as Microsoft spells
 * them (upper case).
 */
export interface Domain {
  readonly name: string;
  readonly verified: boolean;
  readonly isDefault: boolean;
}

export interface Subscription {
  readonly sku: string;
  readonly productName: string;
  /** Purchased seats. */
  readonly seats: number;
  /** Seats consumed by license assignments right now, as the database's count (migration 0005's triggers) keeps it. */
  readonly consumed: number;
  /**
   * The licence assignments of it the database holds, counted when the
   * catalog was read (absent for a catalog not read from a database). Equal to
   * `consumed` unless that count was changed outside tenantctl.
   */
  readonly assigned?: number;
  readonly unitPrice: number;
  readonly currency: string;
  /** False when more seats cannot be bought (e.g. a trial). */
  readonly purchasable: boolean;
  readonly servicePlans: readonly string[];
  /**
   * Service plan → plans of this subscription it needs switched on (Entra:
   * DependencyViolation otherwise). Absent: none known.
   */
  readonly planDependencies?: Readonly<Record<string, readonly string[]>>;
  /**
   * Service plan → usage locations (ISO 3166-1 alpha-2) where it is not
   * offered (Entra: ProhibitedInUsageLocationViolation). Absent: none known.
   */
  readonly unavailableIn?: Readonly<Record<string, readonly string[]>>;
}

export interface Role {
  readonly templateId: string;
  /** The admin center's name, e.g. "Global administrator". */
  readonly displayName: string;
  /** The directory's name, e.g. "Company Administrator". */
  readonly directoryName: string;
  readonly privileged: boolean;
}

export interface Catalog {
  readonly domains: readonly Domain[];
  readonly subscriptions: readonly Subscription[];
  readonly roles: readonly Role[];
}

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
