/**
 * The guided-lab file format (docs/lab-format.md; JSON Schema in guide.schema.json).
 *
 * A guide is data: metadata, then steps. Each step explains what to do in English and
 * 简体中文, lists the commands a "show me" button types into each host's terminal, gives a
 * hint, and has a check. A check reads the lab's STATE (sysctl values, addresses, routes,
 * packages, units, files, the IPVS and iptables tables) or its TRAFFIC (the capture, with
 * drop annotations and notes) — never what was typed — so any commands that reach the state
 * complete the step.
 *
 * Strings in commands and checks may use `{{NAME}}` placeholders: the guide's `vars`, and
 * lab facts resolved when the check runs: `{{mac:HOST:DEV}}`, `{{ip:HOST:DEV}}`.
 */
import type { TopologyOp } from '../shell/sessionApi.ts';

/** Text in both languages the lab is taught in. */
export interface Bi {
  readonly en: string;
  readonly zh: string;
}

export type Lang = 'en' | 'zh';

/** A count constraint: `3` means exactly 3; `{ "min": 1 }` at least one. */
export type Count = number | { readonly min?: number; readonly max?: number };

/** One or several host names. */
export type Hosts = string | readonly string[];

/** Which frames a traffic check looks at. */
export type Since =
  /** Frames since the previous step was completed (the default). */
  | 'step'
  /** Every frame still in the capture. */
  | 'guide';

/** Names a virtual service: by address and port (and protocol), or by firewall mark. */
export interface ServiceRef {
  readonly proto?: 'tcp' | 'udp' | 'sctp';
  /** "192.168.1.100:80" */
  readonly vip?: string;
  readonly fwmark?: number;
}

export type FwdName = 'Masq' | 'Route' | 'Tunnel' | 'FullNat' | 'Local';

export type Check =
  | { readonly all: readonly Check[] }
  | { readonly any: readonly Check[] }
  | { readonly not: Check }
  // ---- state --------------------------------------------------------------------------------
  | { readonly sysctl: { readonly host: string; readonly key: string; readonly value: string | number; readonly effective?: boolean } }
  | { readonly address: { readonly host: string; readonly dev?: string; readonly cidr: string } }
  | { readonly route: { readonly host: string; readonly dst?: string; readonly to?: string; readonly via?: string; readonly dev?: string } }
  | { readonly link: { readonly host: string; readonly dev: string; readonly up?: boolean; readonly carrier?: boolean } }
  | { readonly module: { readonly host: string; readonly name: string } }
  | { readonly package: { readonly host: string; readonly name: string } }
  | { readonly unit: { readonly host: string; readonly name: string; readonly active?: boolean; readonly enabled?: boolean } }
  | { readonly file: { readonly host: string; readonly path: string; readonly exists?: boolean; readonly contains?: string; readonly regex?: string; readonly executable?: boolean } }
  | { readonly powered: { readonly host: string; readonly on: boolean } }
  | { readonly listening: { readonly host: string; readonly port: number; readonly addr?: string } }
  | { readonly neighbour: { readonly host: string; readonly ip: string; readonly macOf?: string; readonly dev?: string } }
  | { readonly arpAnswers: { readonly host: string; readonly ip: string; readonly dev?: string; readonly expect?: boolean } }
  | { readonly ipvsService: ServiceRef & { readonly host: string; readonly scheduler?: string; readonly persistent?: number | boolean; readonly netmask?: string; readonly dests?: Count } }
  | { readonly ipvsDest: { readonly host: string; readonly service?: ServiceRef; readonly addr: string; readonly fwd?: FwdName; readonly weight?: Count } }
  | { readonly ipvsConns: { readonly host: string; readonly service?: ServiceRef; readonly dest?: string; readonly active?: Count; readonly inactive?: Count; readonly persist?: Count; readonly entries?: Count; readonly templates?: Count; readonly state?: string; readonly clientIp?: string } }
  | { readonly ipvsLaddr: { readonly host: string; readonly service?: ServiceRef; readonly addr: string } }
  | { readonly iptables: { readonly host: string; readonly table?: string; readonly chain: string; readonly rule?: string; readonly contains?: string; readonly target?: string; readonly mark?: number } }
  | { readonly decisions: { readonly host: string; readonly scheduler?: string; readonly service?: string; readonly dest?: string; readonly clientIp?: string; readonly scheduled?: boolean; readonly count?: Count; readonly since?: Since } }
  // ---- traffic ------------------------------------------------------------------------------
  | { readonly answers: { readonly client: string; readonly from: Hosts; readonly port?: number | readonly number[]; readonly clientIp?: string; readonly each?: number; readonly perPort?: boolean; readonly only?: boolean; readonly since?: Since } }
  | { readonly sticky: { readonly client: string; readonly ports?: readonly number[]; readonly clientIp?: string; readonly same: boolean; readonly min?: number; readonly since?: Since } }
  | { readonly frames: { readonly filter?: string; readonly segment?: string; readonly sender?: Hosts; readonly receiver?: Hosts; readonly dropped?: boolean; readonly count?: Count; readonly every?: string; readonly since?: Since } }
  | { readonly drops: { readonly host?: Hosts; readonly code?: string | readonly string[]; readonly reason?: string; readonly count?: Count; readonly since?: Since } }
  | { readonly rewrite: { readonly host: string; readonly segment?: string; readonly filter?: string; readonly same?: readonly RewriteField[]; readonly changed?: readonly RewriteField[]; readonly encap?: 'ipip' | 'none'; readonly since?: Since } };

export type CheckKind =
  | 'all' | 'any' | 'not' | 'sysctl' | 'address' | 'route' | 'link' | 'module' | 'package' | 'unit' | 'file' | 'powered'
  | 'listening' | 'neighbour' | 'arpAnswers' | 'ipvsService' | 'ipvsDest' | 'ipvsConns' | 'ipvsLaddr' | 'iptables'
  | 'decisions' | 'answers' | 'sticky' | 'frames' | 'drops' | 'rewrite';

/** Header fields a rewrite check and the challenge compare. */
export type RewriteField = 'eth.src' | 'eth.dst' | 'ip.src' | 'ip.dst' | 'sport' | 'dport' | 'ttl';

export interface Step {
  /** Unique within the guide: letters, digits, '-'. */
  readonly id: string;
  readonly title: Bi;
  /** What to do and why (Markdown allowed: `code`, **bold**, lists). */
  readonly explain: Bi;
  /** What a "show me" button types, per host, in order: host → command lines. */
  readonly commands?: Readonly<Record<string, readonly string[]>>;
  /**
   * The same as one ordered list, when the order across hosts or hardware changes matters
   * (pull a cable, then curl). Use either `commands` or `sequence`.
   */
  readonly sequence?: readonly Action[];
  readonly hint: Bi;
  /** Done when this holds. A step without a check is done as soon as it is reached. */
  readonly check?: Check;
  /** Data for the scheduler playground widget (scheduler guide). */
  readonly playground?: PlaygroundPreset;
}

/** One thing "show me" does: type a command into a host's terminal, or change the hardware. */
export type Action =
  | { readonly host: string; readonly run: string }
  /** A topology operation (power a machine on or off, pull or plug a cable), as the UI's buttons do. */
  | { readonly topology: TopologyOp };

/** A starting point for the scheduler playground (src/labs/playground.ts). */
export interface PlaygroundPreset {
  readonly scheduler: string;
  readonly flags?: readonly string[];
  readonly dests: readonly { readonly name: string; readonly addr: string; readonly weight: number; readonly active?: number; readonly inactive?: number; readonly overloaded?: boolean }[];
  /** How many connections the "fire" button sends by default. */
  readonly fire?: number;
  /** Do fired connections stay open (active) or finish (inactive)? */
  readonly keep?: 'active' | 'inactive';
  /** The client addresses connections come from (sh, mh use them). */
  readonly clients?: readonly string[];
}

export interface Guide {
  /** The format version: 1. */
  readonly format: 1;
  readonly id: string;
  readonly title: Bi;
  readonly preset: 'nat' | 'dr' | 'tun' | 'fullnat' | 'ha' | 'blank';
  readonly summary: Bi;
  /** A one-line picture of the lab: "client ─ vmnet8 ─ lvs ─ vmnet1 ─ RS1, RS2". */
  readonly picture: string;
  readonly level?: 'beginner' | 'intermediate' | 'advanced';
  readonly minutes?: number;
  /** Guides to do first (ids). */
  readonly after?: readonly string[];
  /** Values for `{{NAME}}` placeholders. */
  readonly vars?: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}

/** What evaluate() answers. */
export interface CheckResult {
  readonly ok: boolean;
  /** Why, in English: the values found ("RS1: net.ipv4.conf.all.arp_ignore = 0, want 1"). */
  readonly detail: string;
  /** The same in Chinese. */
  readonly detailZh: string;
  /** Frames that prove it (traffic checks), for the UI to highlight. */
  readonly frames?: readonly number[];
  /** Results of the parts of all/any/not. */
  readonly parts?: readonly CheckResult[];
}
