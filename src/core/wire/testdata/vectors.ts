/**
 * Real frames for the wire tests, captured from Linux 6.x (Debian 12) in two network
 * namespaces joined by a veth pair, with transmit checksum offload off so that every
 * checksum on the wire is the real one:
 *
 *   ip netns add wlA; ip netns add wlB; ip link add wva type veth peer name wvb
 *   ip link set wva netns wlA; ip link set wvb netns wlB
 *   ip -n wlA link set wva address 00:0c:29:11:22:33; ip -n wlB link set wvb address 00:0c:29:aa:bb:cc
 *   ip -n wlA addr add 192.168.1.111/24 dev wva; ip -n wlB addr add 192.168.1.100/24 dev wvb
 *   ip netns exec wlA ethtool -K wva tx off; ip netns exec wlB ethtool -K wvb tx off
 *   ip netns exec wlB python3 -m http.server 80 &
 *   ip netns exec wlB openssl s_server -accept 443 -cert cert.pem -key key.pem -www &
 *   ip netns exec wlA tcpdump -i wva -w linux.pcap &
 *   ip netns exec wlA ping -c1 192.168.1.100                          # frames 1-4
 *   ip netns exec wlA curl -s 192.168.1.100/index.html                # frames 5-16
 *   ip netns exec wlA python3 -c '…sendto(b"hello udp", ("192.168.1.100", 9999))'  # 17-18
 *   ip netns exec wlA openssl s_client -connect 192.168.1.100:443 -tls1_2 -servername lab.example  # 19-34
 *   ip netns exec wlA openssl s_client -connect 192.168.1.100:443 -tls1_3 -servername lab.example  # 35-52
 *   ip netns exec wlA curl -s 192.168.1.100:81                        # 53-54 (RST)
 *   ip netns exec wlA python3 -c '…socket(AF_INET, SOCK_RAW, 4).sendto(inner_icmp, …)'  # 55 (IPIP)
 *   tcpdump -r linux.pcap -xx
 *
 * The whole capture is testdata/linux.pcap; the frames below are pasted from it. They are
 * as the sender's tcpdump saw them, so short frames are not yet padded to 60 bytes.
 */
import { fromHex } from '../bytes.ts';

/** frame 1 */
export const ARP_REQUEST = fromHex(
  'ff ff ff ff ff ff 00 0c 29 11 22 33 08 06 00 01' +
  '08 00 06 04 00 01 00 0c 29 11 22 33 c0 a8 01 6f' +
  '00 00 00 00 00 00 c0 a8 01 64' +
  '');
/** frame 2 */
export const ARP_REPLY = fromHex(
  '00 0c 29 11 22 33 00 0c 29 aa bb cc 08 06 00 01' +
  '08 00 06 04 00 02 00 0c 29 aa bb cc c0 a8 01 64' +
  '00 0c 29 11 22 33 c0 a8 01 6f' +
  '');
/** frame 3 */
export const ICMP_ECHO_REQUEST = fromHex(
  '00 0c 29 aa bb cc 00 0c 29 11 22 33 08 00 45 00' +
  '00 54 8d ae 40 00 40 01 28 d7 c0 a8 01 6f c0 a8' +
  '01 64 08 00 bd 15 3d d4 00 01 e9 6b 07 6b 00 00' +
  '00 00 4b 6b 02 00 00 00 00 00 10 11 12 13 14 15' +
  '16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25' +
  '26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35' +
  '36 37' +
  '');
/** frame 5 */
export const TCP_SYN = fromHex(
  '00 0c 29 aa bb cc 00 0c 29 11 22 33 08 00 45 00' +
  '00 3c 4c 99 40 00 40 06 69 ff c0 a8 01 6f c0 a8' +
  '01 64 ac 0a 00 50 ab fb d0 65 00 00 00 00 a0 02' +
  'fa f0 5c 64 00 00 02 04 05 b4 04 02 08 0a f7 7b' +
  '4c 4c 00 00 00 00 01 03 03 0a' +
  '');
/** frame 6 */
export const TCP_SYN_ACK = fromHex(
  '00 0c 29 11 22 33 00 0c 29 aa bb cc 08 00 45 00' +
  '00 3c 00 00 40 00 40 06 b6 98 c0 a8 01 64 c0 a8' +
  '01 6f 00 50 ac 0a d9 46 d2 48 ab fb d0 66 a0 12' +
  'fe 88 f4 31 00 00 02 04 05 b4 04 02 08 0a d9 fd' +
  'de fb f7 7b 4c 4c 01 03 03 0a' +
  '');
/** frame 7 */
export const TCP_ACK = fromHex(
  '00 0c 29 aa bb cc 00 0c 29 11 22 33 08 00 45 00' +
  '00 34 4c 9a 40 00 40 06 6a 06 c0 a8 01 6f c0 a8' +
  '01 64 ac 0a 00 50 ab fb d0 66 d9 46 d2 49 80 10' +
  '00 3f 21 4a 00 00 01 01 08 0a f7 7b 4c 4d d9 fd' +
  'de fb' +
  '');
/** frame 8 */
export const HTTP_GET = fromHex(
  '00 0c 29 aa bb cc 00 0c 29 11 22 33 08 00 45 00' +
  '00 8b 4c 9b 40 00 40 06 69 ae c0 a8 01 6f c0 a8' +
  '01 64 ac 0a 00 50 ab fb d0 66 d9 46 d2 49 80 18' +
  '00 3f a7 b7 00 00 01 01 08 0a f7 7b 4c 4d d9 fd' +
  'de fb 47 45 54 20 2f 69 6e 64 65 78 2e 68 74 6d' +
  '6c 20 48 54 54 50 2f 31 2e 31 0d 0a 48 6f 73 74' +
  '3a 20 31 39 32 2e 31 36 38 2e 31 2e 31 30 30 0d' +
  '0a 55 73 65 72 2d 41 67 65 6e 74 3a 20 63 75 72' +
  '6c 2f 37 2e 38 38 2e 31 0d 0a 41 63 63 65 70 74' +
  '3a 20 2a 2f 2a 0d 0a 0d 0a' +
  '');
/** frame 17 */
export const UDP_DGRAM = fromHex(
  '00 0c 29 aa bb cc 00 0c 29 11 22 33 08 00 45 00' +
  '00 25 c4 a3 40 00 40 11 f2 00 c0 a8 01 6f c0 a8' +
  '01 64 c2 e2 27 0f 00 11 68 5f 68 65 6c 6c 6f 20' +
  '75 64 70' +
  '');
/** frame 18 */
export const ICMP_PORT_UNREACH = fromHex(
  '00 0c 29 11 22 33 00 0c 29 aa bb cc 08 00 45 c0' +
  '00 41 be 01 00 00 40 01 37 d7 c0 a8 01 64 c0 a8' +
  '01 6f 03 03 81 43 00 00 00 00 45 00 00 25 c4 a3' +
  '40 00 40 11 f2 00 c0 a8 01 6f c0 a8 01 64 c2 e2' +
  '27 0f 00 11 68 5f 68 65 6c 6c 6f 20 75 64 70' +
  '');
/** frame 54 */
export const TCP_RST_ACK = fromHex(
  '00 0c 29 11 22 33 00 0c 29 aa bb cc 08 00 45 00' +
  '00 28 00 00 40 00 40 06 b6 ac c0 a8 01 64 c0 a8' +
  '01 6f 00 51 b8 4a 00 00 00 00 da 2a 14 84 50 14' +
  '00 00 84 62 00 00' +
  '');
/** frame 55 */
export const IPIP_ICMP = fromHex(
  '00 0c 29 aa bb cc 00 0c 29 11 22 33 08 00 45 00' +
  '00 38 53 90 40 00 40 04 63 0e c0 a8 01 6f c0 a8' +
  '01 64 45 00 00 24 42 42 40 00 40 01 e4 94 0a 00' +
  '00 01 0a 00 00 02 08 00 54 35 12 34 00 01 61 62' +
  '63 64 65 66 67 68' +
  '');

/**
 * VRRPv2 advertisement as published with gopacket's layers/vrrp_test.go, from tcpdump:
 *   06:12:21.813317 IP 192.168.0.30 > 224.0.0.18: VRRPv2, Advertisement, vrid 1, prio 100,
 *   authtype none, intvl 1s, length 20
 * (60 bytes: this one was captured after the NIC padded it.)
 */
export const VRRP_ADVERT = fromHex(
  '01 00 5e 00 00 12 00 00 5e 00 01 01 08 00 45 c0' +
  '00 28 00 00 00 00 ff 70 19 cd c0 a8 00 1e e0 00' +
  '00 12 21 01 64 01 00 01 ba 52 c0 a8 00 01 00 00' +
  '00 00 00 00 00 00 00 00 00 00 00 00' +
  '');

/** Pads a frame to the 60-byte Ethernet minimum, as the receiving side sees it. */
export function padded(b: Uint8Array): Uint8Array {
  if (b.length >= 60) return b;
  const out = new Uint8Array(60);
  out.set(b);
  return out;
}
