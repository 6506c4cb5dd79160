/**
 * The wire: every frame the lab sends, as real bytes.
 *
 * - types.ts: addresses and the Repr of each header (what the network core works on).
 * - frame.ts: `emitFrameInto` (hot path, into the capture arena), `emitFrame`, `frameLen`,
 *   `parseFrame` (never throws).
 * - one codec per header (ethernet, arp, ipv4 with IPIP, icmp, tcp with TOA, udp, vrrp): a
 *   checked `XView` with a FIELD table, `parseX`, `emitX`, `xBufferLen`.
 * - quote.ts: the datagram an ICMP error quotes (Linux: up to 576 bytes in all).
 * - http.ts, tls.ts: payload builders and parsers for the lab's services.
 * - dissect.ts: Wireshark's tree (`dissect`) and packet-list columns (`summarize`), with
 *   `StreamTracker` for the conversation state Wireshark keeps.
 * - filter.ts: display filters (`compileFilter`).
 * - pcapng.ts: `writePcapng` / `readPcapng`.
 *
 * Guarantees: emitting allocates nothing but its output and fills every checksum; parsing,
 * dissecting, filtering and reading files never throw and never read outside the bytes
 * they are given. No clock, no randomness: callers pass time and random bytes in.
 */
export * from './types.ts';
export { emitFrame, emitFrameInto, frameLen, parseFrame } from './frame.ts';
export { isWireError, type ParseOptions, type WireError } from './error.ts';
export { icmpQuote, parseIcmpQuote, ICMP_QUOTE_LINUX } from './quote.ts';
export { echoIdent, echoRest, echoSeq } from './icmp.ts';
export { ipv4BufferLen } from './ipv4.ts';
export { tcpOptionsLen } from './tcp.ts';
export { VRRP_MULTICAST } from './vrrp.ts';
export {
  buildHttpRequest, buildHttpResponse, header, httpDate, parseHttpRequest, parseHttpResponse, REASON_PHRASES,
  type HttpHeaders, type HttpMessage, type HttpParse, type HttpRequest, type HttpResponse,
} from './http.ts';
export * as tls from './tls.ts';
export {
  allFields, dissect, StreamTracker, summarize, tcpConnKey, tcpStreamKey,
  type DissectContext, type Dissection, type Field, type FrameMeta, type Layer, type LayerAbbrev, type PduNote, type PduPart, type Summary,
} from './dissect.ts';
export { compileFilter, FILTER_FIELDS, isFilterField, type FilterResult } from './filter.ts';
export { readPcap, readPcapng, writePcapng, type PcapFrame, type PcapInterface, type ReadFrame, type ReadInterface, type ReadResult } from './pcapng.ts';
export { macName } from './names.ts';
