/**
 * The app's state, as one zustand store built from slices (zustand's slices pattern). It
 * holds UI state and small snapshots the worker sends (topology, IPVS tables, status); the
 * authoritative lab lives in the worker (STYLE §2). Actions that must reach the lab go
 * through the `LabPort` injected with `setPort`, so slices are testable without a worker.
 */
import type { StateCreator } from 'zustand';
import type {
  CapturePoint, ClockMode, FindingView, GuideProgressView, GuideView, IpvsSnapshot, Status, TcpStream, ToWorker, TopologySnapshot,
} from '../../worker/protocol.ts';
import type { Lang } from '../i18n/dict.ts';
import type { KeepalivedSnapshot } from '../../worker/keepalivedTypes.ts';

export interface LabPort { send(msg: ToWorker): void }

export interface LabSlice {
  preset: string | null;
  ready: boolean;
  engine: string;
  shells: readonly string[];
  topology: TopologySnapshot | null;
  ipvs: IpvsSnapshot;
  status: Status | null;
  errors: readonly string[];
  labStarted(preset: string): void;
  labReady(preset: string, shells: readonly string[], topology: TopologySnapshot, engine: string): void;
  setTopology(t: TopologySnapshot, shells?: readonly string[]): void;
  setIpvs(s: IpvsSnapshot): void;
  setStatus(s: Status): void;
  pushError(e: string): void;
  dismissError(i: number): void;
}

export type BottomTab = 'packets' | 'flow' | 'scheduler' | 'bench' | 'modes';

export interface CaptureSlice {
  viewCount: number;
  viewGen: number;
  /** Bumped when rows arrive in the row cache (components re-read it). */
  rowsVersion: number;
  selectedNo: number | null;
  /** A request to scroll the list to this frame (set with the selection from elsewhere). */
  revealNo: number | null;
  filterText: string;
  appliedFilter: string;
  filterError: string | null;
  point: CapturePoint;
  stream: TcpStream | null;
  bottomTab: BottomTab;
  setView(count: number, gen: number): void;
  rowsArrived(): void;
  select(no: number | null, reveal?: boolean): void;
  revealed(): void;
  setFilterText(text: string): void;
  setFilterError(err: string | null): void;
  applyFilter(text: string): void;
  setPoint(p: CapturePoint): void;
  setStream(s: TcpStream | null): void;
  setBottomTab(t: BottomTab): void;
}

export interface TerminalSlice {
  /** Hosts whose terminal is shown, in order. */
  openTerms: readonly string[];
  activeTerm: string | null;
  /**
   * Show a host's terminal: beside the open ones (`split`), or in place of the active one.
   * `auto` splits when there is room for another 80-column terminal.
   */
  openTerm(host: string, how?: 'split' | 'replace' | 'auto'): void;
  /** Width (px) of the terminals' area, for `auto`. */
  termAreaWidth: number;
  setTermAreaWidth(px: number): void;
  closeTerm(host: string): void;
  focusTerm(host: string): void;
}

export interface AnimSlice {
  mode: ClockMode;
  /** Frame labels show MAC addresses too. */
  expandLabels: boolean;
  setExpandLabels(on: boolean): void;
  setMode(m: Partial<ClockMode>): void;
  step(): void;
  stepBack(): void;
  travel(no: number | null): void;
}

export type Theme = 'dark' | 'light';

export interface UiSlice {
  theme: Theme;
  lang: Lang;
  fontScale: number;
  setTheme(t: Theme): void;
  setLang(l: Lang): void;
  setFontScale(s: number): void;
}

export interface KeepalivedSlice {
  keepalived: KeepalivedSnapshot;
  setKeepalived(k: KeepalivedSnapshot): void;
}

export type SideTab = 'guide' | 'problems' | 'challenge' | 'playground';

/** The topology's context menu: on a host, a network, or the empty canvas (add things). */
export type TopoMenu =
  | { readonly kind: 'host'; readonly name: string; readonly x: number; readonly y: number }
  | { readonly kind: 'segment'; readonly name: string; readonly x: number; readonly y: number }
  | { readonly kind: 'pane'; readonly x: number; readonly y: number };

/** Guided labs: guide, progress, findings, the side panel, links and saving (labsSlice.ts). */
export interface LabsSlice {
  guide: GuideView | null;
  progress: GuideProgressView | null;
  findings: readonly FindingView[];
  /** Frame number → the findings that mark it (as their frame or a related one). */
  findingsByFrame: ReadonlyMap<number, FindingView[]>;
  sideOpen: boolean;
  sideTab: SideTab;
  /** A plain message across the top (a link that could not be opened), as a key of labs/text.ts and its values. */
  banner: { readonly kind: 'error' | 'info'; readonly key: string; readonly params?: Readonly<Record<string, string | number>> } | null;
  /** A short status line (restored, saved a snapshot, …), likewise. */
  notice: { readonly key: string; readonly params?: Readonly<Record<string, string | number>> } | null;
  saved: { readonly events: number; readonly storage: string } | null;
  /** Bumped when a restored lab brought its own topology layout. */
  layoutVersion: number;
  topoMenu: TopoMenu | null;
  /** "Show me" / "Fix" is typing into this host's terminal. */
  typing: string | null;
  setGuide(g: GuideView | null): void;
  setProgress(p: GuideProgressView | null): void;
  setFindings(f: readonly FindingView[]): void;
  openSide(tab?: SideTab): void;
  closeSide(): void;
  setBanner(b: LabsSlice['banner']): void;
  setNotice(n: LabsSlice['notice']): void;
  setSaved(s: LabsSlice['saved']): void;
  bumpLayout(): void;
  setTopoMenu(m: TopoMenu | null): void;
  setTyping(host: string | null): void;
}

export type AppState = LabSlice & CaptureSlice & TerminalSlice & AnimSlice & UiSlice & KeepalivedSlice & LabsSlice;
export type Slice<T> = StateCreator<AppState, [], [], T>;
