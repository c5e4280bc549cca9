// Policy Condition operators (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, Arn*,
// Null) with the …IfExists suffix and the ForAnyValue:/ForAllValues: set qualifiers, evaluated
// against the request's condition keys; plus the wildcard and CIDR matching they rely on.

/** Positive base operators; each negated operator is evaluated as NOT(its positive form). */
const POSITIVE = [
  "StringEquals",
  "StringEqualsIgnoreCase",
  "StringLike",
  "NumericEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "ArnEquals",
  "ArnLike",
  "Null",
] as const;
const NEGATED = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  NumericNotEquals: "NumericEquals",
  DateNotEquals: "DateEquals",
  NotIpAddress: "IpAddress",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
} as const;

export type PositiveOperator = (typeof POSITIVE)[number];
export type NegatedOperator = keyof typeof NEGATED;
export type ConditionOperator = PositiveOperator | NegatedOperator;

/** One `"Operator": { "key": [values] }` pair, parsed. */
export interface ConditionClause {
  /** As written, e.g. "ForAnyValue:StringLikeIfExists". */
  raw: string;
  operator: ConditionOperator;
  qualifier?: "ForAnyValue" | "ForAllValues";
  ifExists: boolean;
  /** Condition key, lower-cased (keys are case-insensitive). */
  key: string;
  values: string[];
}

/** Request condition keys → values; names are matched case-insensitively. */
export type ConditionValues = Readonly<Record<string, readonly string[]>>;

/** Splits "ForAllValues:StringNotLikeIfExists" into its parts; undefined if not an operator. */
export function parseOperator(raw: string): Pick<ConditionClause, "operator" | "qualifier" | "ifExists"> | undefined {
  let rest = raw;
  let qualifier: ConditionClause["qualifier"];
  for (const q of ["ForAnyValue:", "ForAllValues:"] as const) {
    if (rest.startsWith(q)) {
      qualifier = q.slice(0, -1) as ConditionClause["qualifier"];
      rest = rest.slice(q.length);
    }
  }
  const ifExists = rest.endsWith("IfExists") && rest !== "IfExists";
  if (ifExists) rest = rest.slice(0, -"IfExists".length);
  const known = (POSITIVE as readonly string[]).includes(rest) || rest in NEGATED;
  if (!known || (ifExists && rest === "Null")) return undefined;
  return { operator: rest as ConditionOperator, qualifier, ifExists };
}

/** `*` matches any run of characters (including "/"), `?` exactly one. */
export function wildcardMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === "?" || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === "*") {
      star = pi++;
      mark = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** An IPv4 or IPv6 address as bits; IPv4-mapped IPv6 addresses count as IPv4. */
export function parseIp(text: string): { v6: boolean; bits: bigint } | undefined {
  const s = text.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const parts = s.split(".").map(Number);
    if (parts.some((n) => n > 255)) return undefined;
    return { v6: false, bits: parts.reduce((acc, n) => (acc << 8n) | BigInt(n), 0n) };
  }
  if (!s.includes(":") || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const words = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    for (const g of part.split(":")) {
      if (g.includes(".")) {
        const v4 = parseIp(g);
        if (!v4 || v4.v6) return undefined;
        out.push(Number(v4.bits >> 16n), Number(v4.bits & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0 || (halves.length === 2 && fill < 1)) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  const bits = all.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
  if (bits >> 32n === 0xffffn) return { v6: false, bits: bits & 0xffffffffn };
  return { v6: true, bits };
}

/** "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128). */
export function parseCidr(text: string): { v6: boolean; bits: bigint; prefix: number } | undefined {
  const [addr, len, extra] = text.trim().split("/");
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const max = ip.v6 ? 128 : 32;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  const prefix = len === undefined ? max : Number(len);
  return prefix > max ? undefined : { ...ip, prefix };
}

export function ipInCidr(ip: string, cidr: string): boolean {
  const a = parseIp(ip);
  const c = parseCidr(cidr);
  if (!a || !c || a.v6 !== c.v6) return false;
  const shift = BigInt((c.v6 ? 128 : 32) - c.prefix);
  return a.bits >> shift === c.bits >> shift;
}

/** ISO 8601 or epoch seconds → milliseconds; NaN if neither. */
export function parseConditionDate(v: string): number {
  if (/^\d+$/.test(v.trim())) return Number(v) * 1000;
  return /^\d{4}-\d{2}-\d{2}/.test(v.trim()) ? Date.parse(v) : NaN;
}

function arnMatch(pattern: string, arn: string, like: boolean): boolean {
  const p = pattern.split(":");
  const a = arn.split(":");
  if (p.length < 6 || a.length < 6) return false;
  const pp = [...p.slice(0, 5), p.slice(5).join(":")];
  const aa = [...a.slice(0, 5), a.slice(5).join(":")];
  return pp.every((seg, i) => (like ? wildcardMatch(seg, aa[i]) : seg === aa[i]));
}

/** Does one request value satisfy one policy value under a positive operator? */
export function matchValue(op: PositiveOperator, request: string, policy: string): boolean {
  const num = () => [Number(request), Number(policy)] as const;
  const date = () => [parseConditionDate(request), parseConditionDate(policy)] as const;
  switch (op) {
    case "StringEquals":
      return request === policy;
    case "StringEqualsIgnoreCase":
      return request.toLowerCase() === policy.toLowerCase();
    case "StringLike":
      return wildcardMatch(policy, request);
    case "NumericEquals": {
      const [a, b] = num();
      return a === b;
    }
    case "NumericLessThan": {
      const [a, b] = num();
      return a < b;
    }
    case "NumericLessThanEquals": {
      const [a, b] = num();
      return a <= b;
    }
    case "NumericGreaterThan": {
      const [a, b] = num();
      return a > b;
    }
    case "NumericGreaterThanEquals": {
      const [a, b] = num();
      return a >= b;
    }
    case "DateEquals": {
      const [a, b] = date();
      return a === b;
    }
    case "DateLessThan": {
      const [a, b] = date();
      return a < b;
    }
    case "DateLessThanEquals": {
      const [a, b] = date();
      return a <= b;
    }
    case "DateGreaterThan": {
      const [a, b] = date();
      return a > b;
    }
    case "DateGreaterThanEquals": {
      const [a, b] = date();
      return a >= b;
    }
    case "Bool":
      return request.toLowerCase() === policy.toLowerCase();
    case "BinaryEquals":
      return request === policy;
    case "IpAddress":
      return ipInCidr(request, policy);
    case "ArnEquals":
      return arnMatch(policy, request, false);
    case "ArnLike":
      return arnMatch(policy, request, true);
    case "Null":
      return false;
  }
}

function lookup(values: ConditionValues, key: string): readonly string[] | undefined {
  for (const [k, v] of Object.entries(values)) if (k.toLowerCase() === key) return v.length > 0 ? v : undefined;
  return undefined;
}

/**
 * One clause. Absent keys: false for positive operators, true for negated ones and …IfExists,
 * true for ForAllValues, false for ForAnyValue. Several policy values are ORed (NORed when
 * negated); several request values need one match, all matches with ForAllValues.
 */
export function evaluateClause(clause: ConditionClause, values: ConditionValues, resolve: (v: string) => string = (v) => v): boolean {
  const request = lookup(values, clause.key);
  if (clause.operator === "Null") {
    return clause.values.some((v) => (v.toLowerCase() === "true") === (request === undefined));
  }
  const negated = clause.operator in NEGATED;
  if (request === undefined) {
    if (clause.ifExists || clause.qualifier === "ForAllValues") return true;
    return clause.qualifier === "ForAnyValue" ? false : negated;
  }
  const positive = (negated ? NEGATED[clause.operator as NegatedOperator] : clause.operator) as PositiveOperator;
  const policyValues = clause.values.map(resolve);
  const holds = (v: string) => policyValues.some((p) => matchValue(positive, v, p)) !== negated;
  if (clause.qualifier === "ForAllValues") return request.every(holds);
  if (clause.qualifier === "ForAnyValue") return request.some(holds);
  const any = request.some((v) => policyValues.some((p) => matchValue(positive, v, p)));
  return negated ? !any : any;
}

/** Operators whose values must parse as numbers, dates, addresses or booleans. */
export function valueShapeError(op: ConditionOperator, value: string): string | undefined {
  const positive = (op in NEGATED ? NEGATED[op as NegatedOperator] : op) as PositiveOperator;
  if (positive.startsWith("Numeric") && !Number.isFinite(Number(value))) return `"${value}" is not a number`;
  if (positive.startsWith("Date") && Number.isNaN(parseConditionDate(value))) return `"${value}" is not a date`;
  if (positive === "IpAddress" && !parseCidr(value)) return `"${value}" is not an IP address or CIDR block`;
  if ((positive === "Bool" || positive === "Null") && !/^(true|false)$/i.test(value)) return `"${value}" is not true or false`;
  return undefined;
}
