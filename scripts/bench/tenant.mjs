// Generated tenants for the benchmark and the output check: realistic users
// (contact fields, 0–3 admin roles, 0–2 licences with disabled plans) from a
// seeded generator, so the same seed gives the same tenant byte for byte.

/** mulberry32: a small, fast, seedable generator (Math.random cannot be seeded). */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

export const DOMAINS = ['contoso.com', 'contoso.onmicrosoft.com'];

export const SUBSCRIPTIONS = [
  { sku: 'O365_BUSINESS_PREMIUM', productName: 'Office 365 Business Premium', unitPrice: '12.50',
    plans: ['EXCHANGE_S_STANDARD', 'SHAREPOINTSTANDARD', 'SHAREPOINTWAC', 'MCOSTANDARD', 'YAMMER_ENTERPRISE', 'SWAY', 'PROJECTWORKMANAGEMENT', 'OFFICE_BUSINESS'] },
  { sku: 'STANDARDPACK', productName: 'Office 365 Enterprise E1', unitPrice: '8.00',
    plans: ['EXCHANGE_S_STANDARD', 'SHAREPOINTSTANDARD', 'SHAREPOINTWAC', 'MCOSTANDARD', 'YAMMER_ENTERPRISE', 'SWAY'] },
  { sku: 'ENTERPRISEPACK', productName: 'Office 365 Enterprise E3', unitPrice: '20.00',
    plans: ['EXCHANGE_S_ENTERPRISE', 'SHAREPOINTENTERPRISE', 'SHAREPOINTWAC', 'MCOSTANDARD', 'OFFICESUBSCRIPTION', 'RMS_S_ENTERPRISE', 'YAMMER_ENTERPRISE', 'SWAY'] },
  { sku: 'VISIOCLIENT', productName: 'Visio Pro for Office 365', unitPrice: '15.00',
    plans: ['VISIO_CLIENT_SUBSCRIPTION', 'VISIOONLINE'] },
];
/** A primary suite (E1, E3 or Business Premium; never E1 with E3) and maybe Visio. */
const SUITES = ['ENTERPRISEPACK', 'ENTERPRISEPACK', 'STANDARDPACK', 'O365_BUSINESS_PREMIUM'];

/** Admin roles by template id; Global administrator only for the first users, so churn never needs --approve-privileged. */
export const GLOBAL_ADMINISTRATOR = ['62e90394-69f5-4237-9190-012177145e10', 'Global administrator'];
export const ROLES = [
  ['b0f54661-2d74-4c50-afa3-1ec803f12efe', 'Billing administrator'],
  ['729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Password administrator'],
  ['f023fd81-a637-4b56-95fd-791ac0226033', 'Service administrator'],
  ['fe930be7-5e62-47db-91af-98c3a49a38b1', 'User management administrator'],
  ['29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange administrator'],
  ['f28a1f50-f6e7-4571-818b-6a12f2af6b6c', 'SharePoint administrator'],
];

const GIVEN = ['Joep', 'Anna', 'Sanne', 'Lars', 'Émilie', 'Björn', 'Zoë', 'Mateo', 'Aiko', 'Priya', 'Olu', 'Fatima', 'Jan', 'Noor', 'Tomasz', 'Ines'];
const SURNAMES = ['de Vries', 'Jansen', 'Bakker', 'Müller', "O'Brien", 'Nowak', 'García', 'Svensson', 'Kowalski', 'Rossi', 'Yılmaz', 'Dubois', 'Smith', 'Visser'];
export const DEPARTMENTS = ['Sales', 'Engineering', 'Finance', 'Support', 'Legal', 'Marketing', 'Operations', 'HR'];
const TITLES = ['Lead', 'Engineer', 'Analyst', 'Manager', 'Specialist', 'Director: EMEA', 'Intern'];
const PLACES = [
  ['Amsterdam', 'Netherlands', 'NL', '1015 BA'], ['Zürich', 'Switzerland', 'CH', '8001'], ['São Paulo', 'Brazil', 'BR', '01310-100'],
  ['Kraków', 'Poland', 'PL', '31-042'], ['Malmö', 'Sweden', 'SE', '211 22'], ['Seattle', 'United States', 'US', '98101'],
];

function subset(rng, list, max) {
  const chosen = new Set();
  const count = rng.int(max + 1);
  while (chosen.size < count) chosen.add(rng.pick(list));
  return list.filter((item) => chosen.has(item));
}

/** One user as both the configuration and the directory hold it. */
export function makeUser(rng, index, id) {
  const given = rng.pick(GIVEN);
  const surname = rng.pick(SURNAMES);
  const local = `${given.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}.u${index}`;
  const [city, country, usageLocation, postalCode] = rng.pick(PLACES);
  const department = rng.pick(DEPARTMENTS);
  // Most users hold a suite; a few hold only Visio or nothing (admin and service accounts).
  const suite = rng.chance(0.97) ? rng.pick(SUITES) : null;
  const skus = [suite, rng.chance(0.2) ? 'VISIOCLIENT' : null].filter(Boolean);
  const licenses = skus.map((sku) => {
    const plans = SUBSCRIPTIONS.find((s) => s.sku === sku).plans;
    return { sku, disabledPlans: rng.chance(0.3) ? subset(rng, plans, 2).sort() : [] };
  });
  const roles = index < 3 ? [GLOBAL_ADMINISTRATOR] : rng.chance(0.1) ? subset(rng, ROLES, 3) : [];
  return {
    id,
    userPrincipalName: `${local}@${index % 10 === 9 ? DOMAINS[1] : DOMAINS[0]}`,
    displayName: `${given} ${surname}`,
    givenName: given,
    surname,
    jobTitle: `${department} ${rng.pick(TITLES)}`,
    department,
    mobilePhone: rng.chance(0.6) ? `+31 6 ${String(10000000 + rng.int(89999999))}` : null,
    businessPhones: rng.chance(0.5) ? [`+31 20 555 ${String(rng.int(10000)).padStart(4, '0')}`] : [],
    streetAddress: rng.chance(0.7) ? `Herengracht ${1 + rng.int(500)}` : null,
    city,
    postalCode,
    country,
    usageLocation,
    accountEnabled: rng.chance(0.95),
    roles,
    licenses,
  };
}

/** A deterministic uuid for user number `index` of tenant `seed`. */
export function userId(seed, index) {
  const hex = (seed * 1_000_003 + index).toString(16).padStart(12, '0').slice(-12);
  return `00000000-0000-4000-8000-${hex}`;
}

export function makeTenant(count, seed = 1) {
  const rng = random(seed);
  return Array.from({ length: count }, (_, i) => makeUser(rng, i, userId(seed, i)));
}

/**
 * The churn of one sync: 1 % of users changed (an attribute, a role, a
 * licence), 0.5 % added, 0.5 % removed. Never touches the Global
 * administrators, so no privileged approval is needed.
 */
export function churn(users, seed = 2) {
  const rng = random(seed);
  const n = users.length;
  const changed = Math.max(1, Math.round(n * 0.01));
  const removed = Math.max(1, Math.round(n * 0.005));
  const added = Math.max(1, Math.round(n * 0.005));
  const next = users.map((u) => ({ ...u }));
  for (let k = 0; k < changed; k++) {
    const i = 3 + ((k * 7919) % (n - 3));
    const user = next[i];
    if (k % 3 === 0) user.jobTitle = `${user.department} Senior ${rng.pick(TITLES)}`;
    else if (k % 3 === 1) user.roles = user.roles.length > 0 ? user.roles.slice(1) : [rng.pick(ROLES)];
    else {
      const sku = user.licenses.some((l) => l.sku === 'VISIOCLIENT') ? null : 'VISIOCLIENT';
      user.licenses = sku ? [...user.licenses, { sku, disabledPlans: ['VISIOONLINE'] }] : user.licenses.filter((l) => l.sku !== 'VISIOCLIENT');
    }
  }
  const gone = new Set(Array.from({ length: removed }, (_, k) => n - 1 - k * 2));
  const kept = next.filter((_, i) => !gone.has(i));
  const fresh = Array.from({ length: added }, (_, k) => makeUser(rng, n + k, userId(seed, n + k)));
  return [...kept, ...fresh];
}
