/**
 * The labs the start page lists: data, so the lessons issue can add entries (a lesson may
 * carry its own title and description instead of dictionary keys). `picture` selects the
 * one-line diagram drawn for it.
 */
import type { MsgKey } from './i18n/dict.ts';

export type PictureKind = 'nat' | 'dr' | 'tun' | 'fullnat' | 'ha' | 'blank';

export interface LabCard {
  /** What `?lab=` takes. */
  readonly id: string;
  /** The core preset it starts from. */
  readonly preset: string;
  readonly titleKey?: MsgKey;
  readonly descKey?: MsgKey;
  readonly title?: string;
  readonly desc?: string;
  readonly picture: PictureKind;
  /** Listed on the start page (ha and blank open by URL too). */
  readonly listed: boolean;
}

export const LABS: readonly LabCard[] = [
  { id: 'nat', preset: 'nat', titleKey: 'lab.nat.title', descKey: 'lab.nat.desc', picture: 'nat', listed: true },
  { id: 'dr', preset: 'dr', titleKey: 'lab.dr.title', descKey: 'lab.dr.desc', picture: 'dr', listed: true },
  { id: 'tun', preset: 'tun', titleKey: 'lab.tun.title', descKey: 'lab.tun.desc', picture: 'tun', listed: true },
  { id: 'fullnat', preset: 'fullnat', titleKey: 'lab.fullnat.title', descKey: 'lab.fullnat.desc', picture: 'fullnat', listed: true },
  { id: 'ha', preset: 'ha', titleKey: 'lab.ha.title', descKey: 'lab.ha.desc', picture: 'ha', listed: true },
  { id: 'blank', preset: 'blank', titleKey: 'lab.blank.title', descKey: 'lab.blank.desc', picture: 'blank', listed: false },
];

export function findLab(id: string | null): LabCard | undefined {
  if (!id) return undefined;
  const k = id.toLowerCase();
  return LABS.find((l) => l.id === k);
}
