/**
 * gRPC registration mode (no NATS): the worker registers with the coordinator, then sends a
 * heartbeat every `heartbeatMs`. A heartbeat the coordinator does not recognise (it restarted,
 * or declared us dead) triggers a fresh registration; failures are retried quietly.
 */
import * as grpc from '@grpc/grpc-js';
import type { WorkerAnnouncer, WorkerInfo } from '../cluster/discovery.js';
import { DISCOVERY_DEFAULTS } from '../cluster/discovery.js';
import { channelCredentials, clientOptions, type ClientSecurityOptions } from '../cluster/security.js';
import { fromServiceError, loadProto, PROTOCOL_VERSION, WIRE_DEFAULTS, type RegisterWorkerRequest, type RegisterWorkerResponse } from '../cluster/wire.js';

type Cb<T> = (err: grpc.ServiceError | null, res?: T) => void;
interface CoordinatorRegStub extends grpc.Client {
  RegisterWorker(req: RegisterWorkerRequest, opts: grpc.CallOptions, cb: Cb<RegisterWorkerResponse>): grpc.ClientUnaryCall;
  Heartbeat(req: RegisterWorkerRequest, opts: grpc.CallOptions, cb: Cb<RegisterWorkerResponse>): grpc.ClientUnaryCall;
  UnregisterWorker(req: RegisterWorkerRequest, opts: grpc.CallOptions, cb: Cb<RegisterWorkerResponse>): grpc.ClientUnaryCall;
}

export class GrpcAnnouncer implements WorkerAnnouncer {
  private readonly stub: CoordinatorRegStub;
  private timer: NodeJS.Timeout | undefined;
  private req: RegisterWorkerRequest | undefined;
  private registered = false;
  private inFlight = false;
  /** Last error, for the worker's log (printed once per change). */
  lastError = '';

  constructor(coordinator: string, sec: ClientSecurityOptions, private readonly heartbeatMs: number = DISCOVERY_DEFAULTS.heartbeatMs, private readonly log: (s: string) => void = () => {}) {
    const { Coordinator } = loadProto();
    this.stub = new Coordinator(coordinator, channelCredentials(sec), clientOptions(sec, WIRE_DEFAULTS.maxMessageBytes)) as unknown as CoordinatorRegStub;
  }

  private call(method: 'RegisterWorker' | 'Heartbeat' | 'UnregisterWorker'): Promise<RegisterWorkerResponse> {
    return new Promise((resolve, reject) =>
      this.stub[method](this.req!, { deadline: Date.now() + Math.max(1000, 4 * this.heartbeatMs) }, (err, res) => (err ? reject(fromServiceError(err)) : resolve(res!))),
    );
  }

  private async tick(): Promise<void> {
    if (this.inFlight || !this.req) return;
    this.inFlight = true;
    try {
      if (!this.registered) {
        await this.call('RegisterWorker');
        this.registered = true;
        this.log(`registered with coordinator as ${this.req.id}`);
      } else {
        const res = await this.call('Heartbeat');
        if (!res.known) this.registered = false;
      }
      this.lastError = '';
    } catch (e) {
      const msg = (e as Error).message;
      if (msg !== this.lastError) this.log(`coordinator unreachable: ${msg}`);
      this.lastError = msg;
      this.registered = false;
    } finally {
      this.inFlight = false;
    }
  }

  async start(info: Omit<WorkerInfo, 'lastSeen'>): Promise<void> {
    this.req = { protocol_version: PROTOCOL_VERSION, id: info.id, address: info.address, threads: info.threads, version: info.version };
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.heartbeatMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.registered) await this.call('UnregisterWorker').catch(() => undefined);
    this.stub.close();
  }
}
