/**
 * The SIP side of the fake drachtio-server: server/client transactions and dialogs, playing the part of
 * drachtio-server's sofia-sip stack. It turns network requests into `sip|network|…` frames, completes
 * srf's bare responses the way drachtio-server does (Via from the request, To-tag, Contact on INVITE
 * responses, Content-Type for SDP, byte-correct Content-Length), builds in-dialog requests from the dialog
 * (`BYE sip:placeholder` → a full BYE), and talks to a UDP peer with RFC 3261 retransmission rules
 * (§17.2.1 INVITE server transaction answers retransmissions; §13.3.1.4 2xx retransmitted until ACK;
 * non-2xx ACK absorbed hop by hop; §9.2 CANCEL answered 200 + 487 by the stack).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { newId, stackTime } from './drachtio-frames.js';
import {
  getHeader, getHeaders, headerParam, headerUri, makeAck, makeCancel, makeResponse, parseSip, prependHeaders,
  removeHeader, serializeSip, setHeader, type SipMessage,
} from './sip-message.js';

/** The far end of a transaction: a real UDP peer (`udp: true`) or the virtual peer behind `inject`. */
export interface NetworkPeer {
  address: string;
  port: number;
  protocol: 'udp' | 'tcp' | 'tls';
  udp: boolean;
}

interface ServerTxn {
  txnId: string;
  request: SipMessage;
  peer: NetworkPeer;
  branch: string;
  toTag: string;
  dialogId: string;
  responses: SipMessage[];
  final?: SipMessage;
  lastSent?: string;
  retransmit?: NodeJS.Timeout;
}

interface ClientTxn {
  txnId: string;
  request: SipMessage;
  dialogId: string;
  peer: NetworkPeer;
  branch: string;
  final?: SipMessage;
}

/** A dialog as the stack keeps it (we are always the UAS of the SIPREC INVITE). */
export interface StackDialog {
  id: string;
  callId: string;
  localTag: string;
  remoteTag: string;
  /** To header of the INVITE without tag: our side's name-addr. */
  localAddr: string;
  /** From header of the INVITE (with the remote tag). */
  remoteAddr: string;
  /** Remote target: the Contact URI of the INVITE. */
  remoteTarget: string;
  peer: NetworkPeer;
  localCseq: number;
}

/** Result of handling one `sip` frame from srf: the echo fields, echoed SIP, and work to do after the echo. */
export interface SrfSipResult {
  fields: string;
  sip?: string;
  after?: () => void;
}

interface SipStackOptions {
  toSrf: (payload: string) => boolean;
  peerAnswerStatus: number | null;
  emit: (event: string) => void;
}

const T1_MS = 500;
const T2_MS = 4000;

export class SipStack {
  readonly toNetwork: SipMessage[] = [];
  readonly fromNetwork: SipMessage[] = [];
  readonly dialogs = new Map<string, StackDialog>();
  #txns = new Map<string, ServerTxn>();
  #byBranch = new Map<string, ServerTxn>();
  #clientTxns = new Map<string, ClientTxn>();
  #udp?: UdpSocket;
  #sipPort = 0;
  #timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: SipStackOptions) {}

  get sipPort(): number {
    return this.#sipPort;
  }

  #contact(): string {
    return `<sip:127.0.0.1:${this.#sipPort || 5060}>`;
  }

  async bindUdp(): Promise<void> {
    const udp = createSocket('udp4');
    this.#udp = udp;
    udp.on('message', (data, rinfo) => this.#onDatagram(data, { address: rinfo.address, port: rinfo.port, protocol: 'udp', udp: true }));
    udp.on('error', () => undefined);
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    this.#sipPort = udp.address().port;
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const txn of this.#txns.values()) if (txn.retransmit) clearTimeout(txn.retransmit);
    this.#udp?.close();
    this.#udp = undefined;
  }

  #dialogIdOf(msg: SipMessage): string {
    const id = `${getHeader(msg, 'call-id')};from-tag=${headerParam(getHeader(msg, 'from'), 'tag')}`;
    return this.dialogs.has(id) ? id : '';
  }

  #send(msg: SipMessage, peer: NetworkPeer): string {
    const text = serializeSip(msg);
    this.toNetwork.push(parseSip(text));
    if (peer.udp && this.#udp) this.#udp.send(Buffer.from(text, 'utf8'), peer.port, peer.address);
    this.opts.emit('network');
    return text;
  }

  #leader(peer: NetworkPeer, sip: string, txnId: string, dialogId: string, isNew: boolean): string {
    const tail = isNew ? `127.0.0.1|${this.#sipPort || 5060}|` : '';
    return `sip|network|${Buffer.byteLength(sip, 'utf8')}|${peer.protocol}|${peer.address}|${peer.port}|${stackTime()}|${txnId}|${dialogId}|${tail}`;
  }

  /** A request from the network: new server transaction, forwarded to srf. ACK for 2xx gets a fresh txn id. */
  receiveRequest(request: SipMessage, peer: NetworkPeer): ServerTxn {
    const txnId = newId();
    const dialogId = this.#dialogIdOf(request);
    const branch = headerParam(getHeaders(request, 'via')[0], 'branch') ?? newId();
    const txn: ServerTxn = { txnId, request, peer, branch, toTag: dialogId ? this.dialogs.get(dialogId)!.localTag : `fds-${newId().slice(0, 8)}`, dialogId, responses: [] };
    if (request.method === 'ACK') {
      if (!dialogId) return txn; // ACK outside a dialog: nothing to deliver
      const cseq = Number.parseInt(getHeader(request, 'cseq') ?? '', 10);
      for (const t of this.#txns.values()) {
        if (t.dialogId === dialogId && t.request.method === 'INVITE' && Number.parseInt(getHeader(t.request, 'cseq') ?? '', 10) === cseq && t.retransmit) {
          clearTimeout(t.retransmit);
          t.retransmit = undefined;
        }
      }
    } else {
      this.#txns.set(txnId, txn);
      this.#byBranch.set(`${branch}|${request.method}`, txn);
    }
    const sip = serializeSip(request);
    const delivered = this.opts.toSrf(`${this.#leader(peer, sip, txnId, dialogId, !dialogId)}\r\n${sip}`);
    if (!delivered && request.method !== 'ACK') this.#respond(txn, makeResponse(request, 503, 'Service Unavailable', txn.toTag));
    this.opts.emit('request');
    return txn;
  }

  #respond(txn: ServerTxn, response: SipMessage): string {
    txn.responses.push(response);
    if ((response.status ?? 0) >= 200) txn.final = response;
    txn.lastSent = this.#send(response, txn.peer);
    return txn.lastSent;
  }

  /** CANCEL of a pending INVITE: 200 to the CANCEL and 487 to the INVITE from the stack, then srf is told. */
  cancel(inviteTxnId: string, cancelRequest?: SipMessage): void {
    const txn = this.#txns.get(inviteTxnId);
    if (!txn) return;
    const cancel = cancelRequest ?? makeCancel(txn.request);
    this.#send(makeResponse(cancel, 200, 'OK', txn.toTag), txn.peer);
    if (txn.final) return; // too late: the INVITE already has its final response
    this.#respond(txn, makeResponse(txn.request, 487, 'Request Terminated', txn.toTag));
    const sip = serializeSip(cancel);
    this.opts.toSrf(`${this.#leader(txn.peer, sip, txn.txnId, '', false)}\r\n${sip}`);
  }

  /** Handles a `sip|<txnId>|<dialogId>` frame from srf (a response to a network request, or a new request). */
  fromSrf(txnId: string, dialogId: string, sipText: string): SrfSipResult {
    let msg: SipMessage;
    try {
      msg = parseSip(sipText);
    } catch (err) {
      return { fields: `NOK|unparseable SIP: ${(err as Error).message}` };
    }
    return msg.kind === 'response' ? this.#srfResponse(txnId, msg) : this.#srfRequest(dialogId, msg);
  }

  #srfResponse(txnId: string, res: SipMessage): SrfSipResult {
    const txn = this.#txns.get(txnId);
    if (!txn) return { fields: 'NOK|unknown transaction' };
    if (txn.final) return { fields: 'NOK|transaction already completed' };
    const status = res.status ?? 0;
    const req = txn.request;
    removeHeader(res, 'via');
    prependHeaders(res, 'Via', getHeaders(req, 'via'));
    const to = getHeader(res, 'to') ?? getHeader(req, 'to') ?? '';
    const appTag = headerParam(to, 'tag');
    if (appTag) txn.toTag = appTag;
    else if (status !== 100) setHeader(res, 'To', `${to};tag=${txn.toTag}`);
    if ((req.method === 'INVITE' || req.method === 'SUBSCRIBE') && status > 100 && status < 300 && !getHeader(res, 'contact')) {
      setHeader(res, 'Contact', this.#contact());
    }
    if (res.body.startsWith('v=0') && !getHeader(res, 'content-type')) setHeader(res, 'Content-Type', 'application/sdp');
    let dialogId = '';
    if (req.method === 'INVITE' && status >= 200 && status < 300) {
      dialogId = `${getHeader(req, 'call-id')};from-tag=${headerParam(getHeader(req, 'from'), 'tag')}`;
      if (!this.dialogs.has(dialogId)) {
        this.dialogs.set(dialogId, {
          id: dialogId, callId: getHeader(req, 'call-id') ?? '', localTag: txn.toTag,
          remoteTag: headerParam(getHeader(req, 'from'), 'tag') ?? '', localAddr: (getHeader(req, 'to') ?? '').replace(/;tag=[^;]*/i, ''),
          remoteAddr: getHeader(req, 'from') ?? '', remoteTarget: headerUri(getHeader(req, 'contact')) ?? req.uri ?? '',
          peer: txn.peer, localCseq: 100,
        });
      }
      txn.dialogId = dialogId;
    }
    if (req.method === 'BYE' && status >= 200 && status < 300 && txn.dialogId) this.dialogs.delete(txn.dialogId);
    const sent = this.#respond(txn, res);
    const p = txn.peer;
    const fields = `OK|application|${Buffer.byteLength(sent, 'utf8')}|${p.protocol}|${p.address}|${p.port}|${stackTime()}|${txnId}|${dialogId}||Msg sent:|`;
    let after: (() => void) | undefined;
    if (dialogId && req.method === 'INVITE') {
      if (p.udp) this.#retransmit2xx(txn, T1_MS, Date.now());
      else after = () => this.receiveRequest(makeAck(req, res, `SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ack-${newId().slice(0, 8)}`), p); // the virtual peer ACKs at once
    }
    return { fields, sip: sent, after };
  }

  #retransmit2xx(txn: ServerTxn, delayMs: number, startedAt: number): void {
    txn.retransmit = setTimeout(() => {
      if (!this.#udp || !txn.lastSent || Date.now() - startedAt > 64 * T1_MS) return;
      this.#udp.send(Buffer.from(txn.lastSent, 'utf8'), txn.peer.port, txn.peer.address);
      this.#retransmit2xx(txn, Math.min(delayMs * 2, T2_MS), startedAt);
    }, delayMs);
  }

  #srfRequest(dialogId: string, req: SipMessage): SrfSipResult {
    if (!dialogId) return { fields: 'NOK|out-of-dialog requests are not supported by the test server' };
    const dialog = this.dialogs.get(dialogId);
    if (!dialog) return { fields: `NOK|unable to find dialog for ${dialogId}` };
    const branch = `z9hG4bK-${newId().slice(0, 12)}`;
    const full: SipMessage = {
      kind: 'request', method: req.method, uri: dialog.remoteTarget, body: req.body,
      headers: [
        { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1:${this.#sipPort || 5060};branch=${branch};rport` },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `${dialog.localAddr};tag=${dialog.localTag}` },
        { name: 'To', value: dialog.remoteAddr },
        { name: 'Call-ID', value: dialog.callId },
        { name: 'CSeq', value: `${++dialog.localCseq} ${req.method}` },
      ],
    };
    const reserved = new Set(['via', 'max-forwards', 'from', 'to', 'call-id', 'cseq', 'content-length']);
    for (const h of req.headers) if (!reserved.has(h.name.toLowerCase())) full.headers.push(h);
    const txnId = newId();
    const txn: ClientTxn = { txnId, request: full, dialogId, peer: dialog.peer, branch };
    this.#clientTxns.set(branch, txn);
    const sent = this.#send(full, dialog.peer);
    const fields = `OK|application|${Buffer.byteLength(sent, 'utf8')}|udp|127.0.0.1|${this.#sipPort || 5060}|${stackTime()}|${txnId}|Msg sent:|`;
    const answer = this.opts.peerAnswerStatus;
    const after = dialog.peer.udp || answer === null ? undefined : () => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#networkResponse(txn, makeResponse(full, answer, answer < 300 ? 'OK' : 'Error'));
      }, 5);
      this.#timers.add(timer);
    };
    return { fields, sip: sent, after };
  }

  /**
   * A BYE drachtio-server makes itself (no ACK for our 2xx, session timer expiry): the dialog ends, the far
   * end gets a BYE, and srf gets `sip|application|…|unsolicited|<dialogId>|` + a BYE with a Reason header,
   * which it routes to the Dialog without answering. Returns false for an unknown dialog.
   */
  serverBye(dialogId: string, reason: string): boolean {
    const dialog = this.dialogs.get(dialogId);
    if (!dialog) return false;
    this.dialogs.delete(dialogId);
    const cseq = `${++dialog.localCseq} BYE`;
    const toPeer = this.#byeTo(dialog, cseq, reason);
    this.#send(toPeer, dialog.peer);
    const toApp: SipMessage = {
      kind: 'request', method: 'BYE', uri: `sip:127.0.0.1:${this.#sipPort || 5060}`, body: '',
      headers: [
        { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1:${this.#sipPort || 5060};branch=z9hG4bK-${newId().slice(0, 12)}` },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: dialog.remoteAddr },
        { name: 'To', value: `${dialog.localAddr};tag=${dialog.localTag}` },
        { name: 'Call-ID', value: dialog.callId },
        { name: 'CSeq', value: cseq },
        { name: 'Reason', value: reason },
      ],
    };
    const sip = serializeSip(toApp);
    this.opts.toSrf(`sip|application|${Buffer.byteLength(sip, 'utf8')}|udp|127.0.0.1|${this.#sipPort || 5060}|${stackTime()}|unsolicited|${dialogId}|\r\n${sip}`);
    return true;
  }

  #byeTo(dialog: StackDialog, cseq: string, reason: string): SipMessage {
    return {
      kind: 'request', method: 'BYE', uri: dialog.remoteTarget, body: '',
      headers: [
        { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1:${this.#sipPort || 5060};branch=z9hG4bK-${newId().slice(0, 12)};rport` },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `${dialog.localAddr};tag=${dialog.localTag}` },
        { name: 'To', value: dialog.remoteAddr },
        { name: 'Call-ID', value: dialog.callId },
        { name: 'CSeq', value: cseq },
        { name: 'Reason', value: reason },
      ],
    };
  }

  /** A response from the network to a request srf sent: forwarded on that request's txn id. */
  #networkResponse(txn: ClientTxn, res: SipMessage): void {
    if (txn.final) return; // retransmitted final: absorbed by the client transaction
    if ((res.status ?? 0) >= 200) {
      txn.final = res;
      if (txn.request.method === 'BYE') this.dialogs.delete(txn.dialogId);
    }
    const sip = serializeSip(res);
    this.opts.toSrf(`${this.#leader(txn.peer, sip, txn.txnId, txn.dialogId, false)}\r\n${sip}`);
    this.opts.emit('response');
  }

  #onDatagram(data: Buffer, peer: NetworkPeer): void {
    let msg: SipMessage;
    try {
      msg = parseSip(data);
    } catch {
      return; // not SIP (keepalive CRLF, garbage): dropped like a stack would
    }
    this.fromNetwork.push(msg);
    const branch = headerParam(getHeaders(msg, 'via')[0], 'branch') ?? '';
    if (msg.kind === 'response') {
      const txn = this.#clientTxns.get(branch);
      if (txn) this.#networkResponse(txn, msg);
      return;
    }
    if (msg.method === 'ACK') {
      const invite = this.#byBranch.get(`${branch}|INVITE`);
      if (invite && invite.final && (invite.final.status ?? 0) >= 300) return; // non-2xx ACK: hop by hop
      this.receiveRequest(msg, peer);
      return;
    }
    if (msg.method === 'CANCEL') {
      const invite = this.#byBranch.get(`${branch}|INVITE`);
      if (invite) this.cancel(invite.txnId, msg);
      else this.#send(makeResponse(msg, 481, 'Call/Transaction Does Not Exist', `fds-${newId().slice(0, 8)}`), peer);
      return;
    }
    const existing = this.#byBranch.get(`${branch}|${msg.method}`);
    if (existing) {
      // retransmission: answer from the transaction, never bother the application again
      if (existing.lastSent && this.#udp) this.#udp.send(Buffer.from(existing.lastSent, 'utf8'), peer.port, peer.address);
      return;
    }
    this.receiveRequest(msg, peer);
  }
}
