/**
 * ipvsadm.service as the RHEL 9 ipvsadm package ships it (the same unit since RHEL 7):
 *
 *   ExecStart=/bin/bash -c "exec /sbin/ipvsadm-restore < /etc/sysconfig/ipvsadm"
 *   ExecStop=/bin/bash -c "exec /sbin/ipvsadm-save -n > /etc/sysconfig/ipvsadm"
 *   ExecStop=/sbin/ipvsadm -C
 *
 * A oneshot with RemainAfterExit: start restores the saved rules (ipvsadm-restore clears the
 * table first), and fails when /etc/sysconfig/ipvsadm does not exist — bash itself reports
 * the missing file, so the journal shows `bash[PID]: /bin/bash: line 1: /etc/sysconfig/ipvsadm:
 * No such file or directory`. Stop ALWAYS saves the table numerically to /etc/sysconfig/ipvsadm
 * and then clears it: IPVS_SAVE_ON_STOP in /etc/sysconfig/ipvsadm-config is read only by the
 * old SysV script (ipvsadm.sh), which the unit does not use.
 */
import type { Host } from '../net/host.ts';
import { registerUnit, type ServiceImpl, type Systemd } from '../services/systemd.ts';
import { ipvsadmMain, ipvsadmRestore, ipvsadmSave } from './ipvsadmProgram.ts';

export const IPVSADM_RULES = '/etc/sysconfig/ipvsadm';

export const IPVSADM_UNIT_TEXT = `[Unit]
Description=Initialise the Linux Virtual Server
After=syslog.target network.target

[Service]
Type=oneshot
ExecStart=/bin/bash -c "exec /sbin/ipvsadm-restore < /etc/sysconfig/ipvsadm"
ExecStop=/bin/bash -c "exec /sbin/ipvsadm-save -n > /etc/sysconfig/ipvsadm"
ExecStop=/sbin/ipvsadm -C
RemainAfterExit=yes

[Install]
WantedBy=multi-user.target
`;

const UNIT = 'ipvsadm.service';

class IpvsadmUnit implements ServiceImpl {
  readonly oneshot = true;

  constructor(private readonly host: Host, private readonly sd: Systemd) {}

  private journal(pid: number, text: string): void {
    for (const line of text.split('\n')) if (line) this.sd.log(UNIT, 'bash', pid, line);
  }

  start(): string | null {
    const pid = this.sd.unit(UNIT)?.pid || this.host.allocPid();
    let rules: string;
    try {
      rules = this.host.fs.readFile(IPVSADM_RULES);
    } catch {
      const msg = `/bin/bash: line 1: ${IPVSADM_RULES}: No such file or directory`;
      this.journal(pid, msg);
      return msg;
    }
    let out = '';
    const st = ipvsadmRestore(this.host, ['ipvsadm-restore'], { out: (s) => { out += s; }, err: (s) => { out += s; }, stdin: () => rules });
    this.journal(pid, out);
    return st === 0 ? null : `ipvsadm-restore exited with status ${st}`;
  }

  stop(): void {
    const pid = this.host.allocPid();
    let saved = '';
    let err = '';
    const st = ipvsadmSave(this.host, ['ipvsadm-save', '-n'], { out: (s) => { saved += s; }, err: (s) => { err += s; }, stdin: () => '' });
    try { this.host.fs.writeFile(IPVSADM_RULES, st === 0 ? saved : ''); } catch (e) { err += `/bin/bash: line 1: ${IPVSADM_RULES}: ${(e as Error).message}\n`; }
    this.journal(pid, err);
    let err2 = '';
    ipvsadmMain(this.host, ['/sbin/ipvsadm', '-C'], { out: () => {}, err: (s) => { err2 += s; }, stdin: () => '' });
    for (const line of err2.split('\n')) if (line) this.sd.log(UNIT, 'ipvsadm', this.host.allocPid(), line);
  }
}

registerUnit({
  name: UNIT,
  description: 'Initialise the Linux Virtual Server',
  pkg: 'ipvsadm',
  path: '/usr/lib/systemd/system/ipvsadm.service',
  preset: 'disabled',
  exec: '/bin/bash -c exec /sbin/ipvsadm-restore < /etc/sysconfig/ipvsadm',
  aliases: ['ipvsadm'],
  unitText: IPVSADM_UNIT_TEXT,
  resources: { tasks: 0, memory: 0, cpuMs: 9 },
  create: (host, sd) => new IpvsadmUnit(host, sd),
});
