/** NetworkManager's user commands (nmcli, and the ifup/ifdown compatibility scripts) for the shell's registry. */
import type { Command } from '../types.ts';
import { ifdownCommand, ifupCommand } from './ifup.ts';
import { nmcliCommand } from './nmcli.ts';

export const networkManagerCommands: Command[] = [nmcliCommand, ifupCommand, ifdownCommand];
