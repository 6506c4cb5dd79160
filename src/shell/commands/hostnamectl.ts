/**
 * hostnamectl (systemd 252) and hostname (hostname 3.23, RHEL 9).
 *
 * The static hostname lives in /etc/hostname, the pretty one in /etc/machine-info
 * (PRETTY_HOSTNAME=), the transient one is the kernel's (Host.setHostname); systemd sets the
 * kernel's from /etc/hostname at boot, so `hostname NAME` lasts until the next reboot and
 * `hostnamectl set-hostname NAME` for good. The status layout is print_status_info() of
 * src/hostname/hostnamectl.c: labels right-aligned in one column; "Transient hostname" only
 * when it differs from the static one. The machine is what the lab's VMs are: a VMware
 * virtual machine running RHEL 9.4.
 */
import { KERNEL_RELEASE } from '../../core/services/systemd.ts';
import type { CmdContext, Co, Command } from '../types.ts';

/** hostname_is_valid(): labels of [A-Za-z0-9_-], dots between them, at most 64 characters. */
export function hostnameIsValid(s: string, trailingDot = false): boolean {
  let t = s;
  if (trailingDot && t.endsWith('.')) t = t.slice(0, -1);
  if (!t || t.length > 64) return false;
  return t.split('.').every((l) => l.length > 0 && /^[A-Za-z0-9_-]+$/.test(l));
}

/** hostname_cleanup(): drop what is not allowed, collapse dots, cut to 64. */
export function hostnameCleanup(s: string): string {
  let out = '';
  let dot = true;
  for (const c of s) {
    if (c === '.') { if (dot) continue; out += '.'; dot = true; continue; }
    if (/[A-Za-z0-9_-]/.test(c)) { out += c; dot = false; }
  }
  if (out.endsWith('.')) out = out.slice(0, -1);
  return out.slice(0, 64);
}

const HOSTNAMED = new WeakMap<object, number>();

/** systemd-hostnamed is started on demand (D-Bus activation): one PID per boot. */
function hostnamedPid(ctx: CmdContext): number {
  const sd = ctx.host.kernel.sd;
  const key = sd.bootIds;
  let pid = HOSTNAMED.get(key);
  if (pid === undefined || HOSTNAMED.get(sd) !== sd.bootCount) {
    pid = ctx.host.allocPid();
    HOSTNAMED.set(key, pid);
    HOSTNAMED.set(sd, sd.bootCount);
  }
  return pid;
}

function readFirst(ctx: CmdContext, path: string): string | null {
  try { return ctx.fs.readFile(path).split('\n')[0].trim() || null; } catch { return null; }
}

function machineInfo(ctx: CmdContext): Map<string, string> {
  const m = new Map<string, string>();
  try {
    for (const l of ctx.fs.readFile('/etc/machine-info').split('\n')) {
      const k = l.indexOf('=');
      if (k > 0) m.set(l.slice(0, k), l.slice(k + 1).replace(/^"(.*)"$/, '$1'));
    }
  } catch { /* none */ }
  return m;
}

function setMachineInfo(ctx: CmdContext, key: string, value: string): void {
  const m = machineInfo(ctx);
  if (value) m.set(key, value); else m.delete(key);
  const text = [...m].map(([k, v]) => `${k}=${/[\s"']/.test(v) ? `"${v.replace(/"/g, '\\"')}"` : v}`).join('\n');
  try {
    if (text) ctx.fs.writeFile('/etc/machine-info', text + '\n'); else if (ctx.fs.exists('/etc/machine-info')) ctx.fs.unlink('/etc/machine-info');
  } catch { /* read-only */ }
}

function osPretty(ctx: CmdContext): { pretty: string; cpe: string } {
  let pretty = 'Linux';
  let cpe = '';
  try {
    for (const l of ctx.fs.readFile('/etc/os-release').split('\n')) {
      const m = /^(PRETTY_NAME|CPE_NAME)="?([^"]*)"?$/.exec(l);
      if (m) { if (m[1] === 'PRETTY_NAME') pretty = m[2]; else cpe = m[2]; }
    }
  } catch { /* none */ }
  return { pretty, cpe };
}

function status(ctx: CmdContext): string {
  const h = ctx.host.kernel;
  const stat = readFirst(ctx, '/etc/hostname');
  const info = machineInfo(ctx);
  const rows: [string, string][] = [['Static hostname:', stat ?? 'n/a']];
  const pretty = info.get('PRETTY_HOSTNAME');
  if (pretty) rows.push(['Pretty hostname:', pretty]);
  if (h.hostname !== stat) rows.push(['Transient hostname:', h.hostname]);
  rows.push(['Icon name:', info.get('ICON_NAME') ?? 'computer-vm'], ['Chassis:', `${info.get('CHASSIS') ?? 'vm'} 🖴`]);
  if (info.get('DEPLOYMENT')) rows.push(['Deployment:', info.get('DEPLOYMENT')!]);
  if (info.get('LOCATION')) rows.push(['Location:', info.get('LOCATION')!]);
  const mid = readFirst(ctx, '/etc/machine-id');
  if (mid) rows.push(['Machine ID:', mid]);
  rows.push(['Boot ID:', h.sd.bootId()], ['Virtualization:', 'vmware']);
  const os = osPretty(ctx);
  rows.push(['Operating System:', os.pretty]);
  if (os.cpe) rows.push(['CPE OS Name:', os.cpe]);
  rows.push(['Kernel:', `Linux ${KERNEL_RELEASE}`], ['Architecture:', 'x86-64'], ['Hardware Vendor:', 'VMware, Inc.'],
    ['Hardware Model:', 'VMware Virtual Platform'], ['Firmware Version:', '6.00']);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padStart(w)} ${v}`).join('\n') + '\n';
}

function* hostnamectlMain(ctx: CmdContext): Co<number> {
  const h = ctx.host.kernel;
  let pretty = false, stat = false, transient = false;
  const pos: string[] = [];
  for (const a of ctx.argv.slice(1)) {
    if (a === '--pretty') pretty = true;
    else if (a === '--static') stat = true;
    else if (a === '--transient') transient = true;
    else if (a === '--no-ask-password' || a === '--no-pager' || a === '--json=short' || a === '--json=pretty') { /* accepted */ }
    else if (a === '-h' || a === '--help') {
      ctx.stdout.write('hostnamectl [OPTIONS...] COMMAND ...\n\nQuery or change system hostname.\n\nCommands:\n  status                 Show current hostname settings\n  hostname [NAME]        Get/set system hostname\n  icon-name [NAME]       Get/set icon name for host\n  chassis [NAME]         Get/set chassis type for host\n  deployment [NAME]      Get/set deployment environment for host\n  location [NAME]        Get/set location for host\n\nOptions:\n  -h --help              Show this help\n     --version           Show package version\n     --no-ask-password   Do not prompt for password\n  -H --host=[USER@]HOST  Operate on remote host\n  -M --machine=CONTAINER Operate on local container\n     --transient         Only set transient hostname\n     --static            Only set static hostname\n     --pretty            Only set pretty hostname\n     --json=pretty|short|off\n                         Generate JSON output\n\nSee the hostnamectl(1) man page for details.\n');
      return 0;
    } else if (a === '--version') { ctx.stdout.write('systemd 252 (252-32.el9_4)\n'); return 0; }
    else if (a.startsWith('-') && a.length > 1) {
      ctx.stderr.write(a.startsWith('--') ? `hostnamectl: unrecognized option '${a}'\n` : `hostnamectl: invalid option -- '${a[1]}'\n`);
      return 1;
    } else pos.push(a);
  }
  const verb = pos[0] ?? 'status';
  const args = pos.slice(1);
  const tooMany = (max: number) => {
    if (args.length > max) { ctx.stderr.write('Too many arguments.\n'); return true; }
    return false;
  };
  switch (verb) {
    case 'status':
      if (tooMany(0)) return 1;
      if (pretty || stat || transient) {
        if (+pretty + +stat + +transient > 1) { ctx.stderr.write('Cannot query more than one name type at a time\n'); return 1; }
        ctx.stdout.write((pretty ? machineInfo(ctx).get('PRETTY_HOSTNAME') ?? '' : stat ? readFirst(ctx, '/etc/hostname') ?? '' : h.hostname) + '\n');
        return 0;
      }
      ctx.stdout.write(status(ctx));
      return 0;
    case 'hostname': case 'set-hostname': {
      if (tooMany(1)) return 1;
      if (!args.length) {
        if (verb === 'set-hostname') { ctx.stderr.write('Too few arguments.\n'); return 1; }
        if (+pretty + +stat + +transient > 1) { ctx.stderr.write('Cannot query more than one name type at a time\n'); return 1; }
        ctx.stdout.write((pretty ? machineInfo(ctx).get('PRETTY_HOSTNAME') ?? '' : stat ? readFirst(ctx, '/etc/hostname') ?? '' : h.hostname) + '\n');
        return 0;
      }
      let name = args[0];
      const implicit = !pretty && !stat && !transient;
      if (implicit) pretty = stat = transient = true;
      if (pretty) {
        const p = implicit && hostnameIsValid(name, true) ? '' : name;
        setMachineInfo(ctx, 'PRETTY_HOSTNAME', p);
        name = hostnameCleanup(name);
      }
      if (stat) {
        if (name && !hostnameIsValid(name)) { ctx.stderr.write(`Could not set static hostname: Invalid static hostname '${name}'\n`); return 1; }
        try {
          if (name) ctx.fs.writeFile('/etc/hostname', name + '\n');
          else if (ctx.fs.exists('/etc/hostname')) ctx.fs.unlink('/etc/hostname');
        } catch { ctx.stderr.write('Could not set static hostname: Read-only file system\n'); return 1; }
      }
      if (transient) {
        if (!hostnameIsValid(name)) { ctx.stderr.write(`Could not set transient hostname: Invalid hostname '${name}'\n`); return 1; }
        if (!implicit && readFirst(ctx, '/etc/hostname') && !stat) ctx.stderr.write('Hint: static hostname is already set, so the specified transient hostname will not be used.\n');
        h.setHostname(name);
        h.sd.log('systemd-hostnamed.service', 'systemd-hostnamed', hostnamedPid(ctx), `Hostname set to <${name}> (${stat ? 'static' : 'transient'})`);
      }
      return 0;
    }
    case 'icon-name': case 'set-icon-name': case 'chassis': case 'set-chassis': case 'deployment': case 'set-deployment': case 'location': case 'set-location': {
      if (tooMany(1)) return 1;
      const key = { icon: 'ICON_NAME', chassis: 'CHASSIS', deployment: 'DEPLOYMENT', location: 'LOCATION' }[verb.replace(/^set-/, '').replace('-name', '') as 'icon' | 'chassis' | 'deployment' | 'location'];
      if (!args.length) {
        const dflt = key === 'ICON_NAME' ? 'computer-vm' : key === 'CHASSIS' ? 'vm' : '';
        ctx.stdout.write((machineInfo(ctx).get(key) ?? dflt) + '\n');
        return 0;
      }
      if (key === 'CHASSIS' && args[0] && !['desktop', 'laptop', 'convertible', 'server', 'tablet', 'handset', 'watch', 'embedded', 'vm', 'container'].includes(args[0])) {
        ctx.stderr.write(`Could not set chassis: Invalid chassis '${args[0]}'\n`);
        return 1;
      }
      setMachineInfo(ctx, key, args[0]);
      return 0;
    }
    default:
      ctx.stderr.write(`Unknown command verb ${verb}.\n`);
      return 1;
  }
}

/** hostname (3.23): print, set the transient name, -s, -f, -d, -i, -I, -A. */
function* hostnameMain(ctx: CmdContext): Co<number> {
  const h = ctx.host.kernel;
  let mode: 'name' | 'short' | 'fqdn' | 'domain' | 'ip' | 'allip' | 'allfqdn' = 'name';
  const pos: string[] = [];
  for (const a of ctx.argv.slice(1)) {
    if (a === '-s' || a === '--short') mode = 'short';
    else if (a === '-f' || a === '--fqdn' || a === '--long') mode = 'fqdn';
    else if (a === '-d' || a === '--domain') mode = 'domain';
    else if (a === '-i' || a === '--ip-address') mode = 'ip';
    else if (a === '-I' || a === '--all-ip-addresses') mode = 'allip';
    else if (a === '-A' || a === '--all-fqdns') mode = 'allfqdn';
    else if (a === '-V' || a === '--version') { ctx.stderr.write('hostname 3.23\n'); return 0; }
    else if (a === '-h' || a === '--help') {
      ctx.stderr.write('Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name\n       hostname                                 display host name\n\n       {yp,nis,}domainname {nisdomain|-F file}  set NIS domain name (from file)\n       {yp,nis,}domainname                      display NIS domain name\n\n       dnsdomainname                            display dns domain name\n\n       hostname -V|--version|-h|--help          print info and exit\n');
      return 0;
    } else if (a.startsWith('-') && a.length > 1) {
      ctx.stderr.write(a.startsWith('--') ? `hostname: unrecognized option '${a}'\n` : `hostname: invalid option -- '${a[1]}'\n`);
      ctx.stderr.write('Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name\n       hostname                                 display host name\n\n       {yp,nis,}domainname {nisdomain|-F file}  set NIS domain name (from file)\n       {yp,nis,}domainname                      display NIS domain name\n\n       dnsdomainname                            display dns domain name\n\n       hostname -V|--version|-h|--help          print info and exit\n');
      return 4;
    } else pos.push(a);
  }
  if (pos.length) {
    const name = pos[0];
    if (name.length > 64 || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name) || name.includes('..')) {
      ctx.stderr.write('hostname: the specified hostname is invalid\n');
      return 1;
    }
    h.setHostname(name);
    return 0;
  }
  const name = h.hostname;
  const addrs = [...h.devs.values()].filter((d) => d.up).flatMap((d) => d.addrs.filter((a) => a.scope === 'global').map((a) => a.addr));
  const fmt = (a: number) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
  switch (mode) {
    case 'name': ctx.stdout.write(name + '\n'); return 0;
    case 'short': ctx.stdout.write(name.split('.')[0] + '\n'); return 0;
    case 'fqdn': ctx.stdout.write(name + '\n'); return 0;
    case 'domain': ctx.stdout.write((name.includes('.') ? name.slice(name.indexOf('.') + 1) : '') + '\n'); return 0;
    case 'allip': ctx.stdout.write(addrs.map((a) => fmt(a) + ' ').join('') + '\n'); return 0;
    case 'allfqdn': ctx.stdout.write(addrs.map(() => `${name} `).join('') + '\n'); return 0;
    case 'ip': {
      // /etc/hosts first; else nss-myhostname answers with the machine's addresses.
      let hosts = '';
      try { hosts = ctx.fs.readFile('/etc/hosts'); } catch { /* none */ }
      const fromHosts = hosts.split('\n').map((l) => l.replace(/#.*/, '').trim().split(/\s+/)).filter((f) => f.length > 1 && f.slice(1).includes(name)).map((f) => f[0]);
      const list = fromHosts.length ? fromHosts : addrs.map(fmt);
      if (!list.length) { ctx.stderr.write('hostname: Name or service not known\n'); return 1; }
      ctx.stdout.write(list.map((a) => a + ' ').join('') + '\n');
      return 0;
    }
  }
}

export const hostnamectl: Command = { name: 'hostnamectl', pkg: 'systemd', run: hostnamectlMain };
export const hostname: Command = { name: 'hostname', pkg: 'hostname', run: hostnameMain };
