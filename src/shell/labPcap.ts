/**
 * A lab's capture as pcapng: one interface per network segment (if_name = vmnet1, vmnet8,
 * lo@HOST), timestamps from the virtual clock, drop reasons as frame comments. Frames that
 * never reached a wire (a host dropped them before sending) are not on any interface and are
 * left out, as Wireshark on the real networks would never see them.
 */
import type { Lab } from '../core/lab/lab.ts';
import { writePcapng, type PcapFrame } from '../core/wire/pcapng.ts';

export function labPcapng(lab: Lab): Uint8Array {
  const segs = lab.captureInterfaces();
  const index = new Map<number, number>();
  segs.forEach((s, i) => index.set(s.id, i));
  const frames: PcapFrame[] = [];
  for (const r of lab.capture.range()) {
    const iface = index.get(r.segment);
    if (iface === undefined) continue;
    const notes = lab.notesOf(r.no).map((n) => n.text);
    const drop = r.drop ? [`dropped: ${r.drop.reason}`] : [];
    const comment = [...drop, ...notes].join('\n') || undefined;
    frames.push({ iface, timeUs: r.time, bytes: r.bytes.slice(), comment });
  }
  return writePcapng(frames, segs.map((s) => ({ name: s.name, description: s.kind === 'nat' ? 'VMware NAT network' : s.kind === 'hostonly' ? 'VMware host-only network' : undefined })), {
    epochUs: lab.epochUs, application: 'LVS Lab',
  });
}
