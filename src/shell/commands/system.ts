/**
 * The system-administration commands of a RHEL 9.4 lab host: systemctl, journalctl,
 * dmesg, dnf/yum, rpm, hostnamectl, hostname, reboot/poweroff/halt/shutdown, modprobe,
 * lsmod, rmmod, insmod, modinfo. Register `systemCommands` with the shell.
 */
import type { Command } from '../types.ts';
import { dnf, yum } from './dnf.ts';
import { hostname, hostnamectl } from './hostnamectl.ts';
import { dmesg, journalctl } from './journalctl.ts';
import { insmod, lsmod, modinfo, modprobeCmd, rmmod } from './modprobe.ts';
import { powerCommands } from './power.ts';
import { rpm } from './rpm.ts';
import { systemctl } from './systemctl.ts';

export { PowerSignal, type PowerAction } from './power.ts';

export const systemCommands: Command[] = [
  systemctl, journalctl, dmesg, dnf, yum, rpm, hostnamectl, hostname, ...powerCommands,
  modprobeCmd, lsmod, rmmod, insmod, modinfo,
];
