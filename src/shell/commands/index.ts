/**
 * Every command a lab host can run (the shell adds its own builtins and bash/sh). A
 * command whose package is not installed on a host does not exist there (bash says
 * `command not found`), which is how `ipvsadm` appears only after `dnf install ipvsadm`.
 */
import type { Command, CommandRegistry } from '../types.ts';
import { coreutilsCommands } from './coreutils.ts';
import { editorCommands } from './editor.ts';
import { firewallCommands } from './firewallcmd.ts';
import { iptablesCommands } from './iptables.ts';
import { ipvsadmCommands } from './ipvsadm.ts';
import { keepalivedCommands } from './keepalived.ts';
import { networkManagerCommands } from './networkmanager.ts';
import { selinuxCommands } from './selinuxutils.ts';
import { systemCommands } from './system.ts';
import { curlCommand } from './net/curl.ts';
import { ipCommand } from './net/ip.ts';
import { arpCommand, ifconfigCommand, netstatCommand, routeCommand } from './net/nettools.ts';
import { pingCommand } from './net/ping.ts';
import { ssCommand } from './net/ss.ts';
import { sysctlCommand } from './net/sysctl.ts';
import { tcpdumpCommand } from './net/tcpdump.ts';
import { tracerouteCommand } from './net/traceroute.ts';

const netCommands: Command[] = [curlCommand, ipCommand, pingCommand, ssCommand, sysctlCommand, tcpdumpCommand, tracerouteCommand,
  ifconfigCommand, routeCommand, arpCommand, netstatCommand];

export const allCommands: Command[] = [
  ...coreutilsCommands, ...systemCommands, ...networkManagerCommands, ...iptablesCommands, ...ipvsadmCommands, ...keepalivedCommands, ...netCommands,
  ...editorCommands, ...firewallCommands, ...selinuxCommands,
];

let registry: Map<string, Command> | null = null;

/** The lab's command registry (built once). */
export function commandRegistry(): CommandRegistry {
  if (!registry) {
    registry = new Map();
    for (const c of allCommands) registry.set(c.name, c);
  }
  return registry;
}
