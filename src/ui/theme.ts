/**
 * Colours that code needs (xterm's palette, the animation's protocol colours). Everything
 * else is CSS custom properties in styles/app.css, switched by `data-theme` on <html>.
 * Protocol colours are chosen to read on both themes and to stay apart for the common
 * colour-vision deficiencies (blue/orange/purple carry the main distinctions).
 */
import type { ITheme } from '@xterm/xterm';
import type { ProtoClass } from '../worker/protocol.ts';
import type { Theme } from './store/types.ts';

export const PROTO_COLOR: Record<ProtoClass, string> = {
  arp: '#d4a017',
  icmp: '#a371f7',
  tcp: '#3b8eea',
  http: '#2ea56b',
  tls: '#1fa3a3',
  ipip: '#e8711e',
  udp: '#5cb8d6',
  vrrp: '#d6589f',
  other: '#8b98a9',
};

export const DROP_COLOR = '#e5484d';

export const XTERM_THEMES: Record<Theme, ITheme> = {
  dark: {
    background: '#0d1117', foreground: '#d6dde6', cursor: '#e6edf3', cursorAccent: '#0d1117',
    selectionBackground: '#2f4f7f', black: '#1b2330', red: '#f47067', green: '#57ab5a', yellow: '#c69026',
    blue: '#539bf5', magenta: '#b083f0', cyan: '#39c5cf', white: '#c9d1d9', brightBlack: '#636e7b',
    brightRed: '#ff938a', brightGreen: '#6bc46d', brightYellow: '#daaa3f', brightBlue: '#6cb6ff',
    brightMagenta: '#dcbdfb', brightCyan: '#56d4dd', brightWhite: '#f0f6fc',
  },
  light: {
    background: '#fbfcfd', foreground: '#1f2328', cursor: '#1f2328', cursorAccent: '#fbfcfd',
    selectionBackground: '#b6d3fb', black: '#24292f', red: '#cf222e', green: '#116329', yellow: '#8a5a00',
    blue: '#0969da', magenta: '#8250df', cyan: '#1b7c83', white: '#6e7781', brightBlack: '#57606a',
    brightRed: '#a40e26', brightGreen: '#1a7f37', brightYellow: '#633c01', brightBlue: '#218bff',
    brightMagenta: '#a475f9', brightCyan: '#3192aa', brightWhite: '#8c959f',
  },
};

/** Terminal font size in px for a UI scale. */
export function termFontSize(scale: number): number {
  return Math.round(13 * scale);
}
