/** A child process speaking the line protocol of protocol.ts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export class LineChild {
  private readonly proc: ChildProcess;
  private readonly pending: ((line: string) => void)[] = [];
  private readonly lines: string[] = [];
  private stderr = '';
  private exitErr: Error | undefined;

  constructor(readonly label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    this.proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    createInterface({ input: this.proc.stdout! }).on('line', (l) => {
      const w = this.pending.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
    this.proc.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    this.proc.once('exit', (code, sig) => {
      this.exitErr = new Error(`${label} exited (${code ?? sig}):\n${this.stderr}`);
      for (const w of this.pending.splice(0)) w('');
    });
  }

  /** Send one command and wait for its reply line. */
  async send<T>(cmd: object): Promise<T> {
    if (this.exitErr) throw this.exitErr;
    const line = await new Promise<string>((resolve) => {
      const ready = this.lines.shift();
      if (ready !== undefined) resolve(ready);
      else this.pending.push(resolve);
      this.proc.stdin!.write(`${JSON.stringify(cmd)}\n`);
    });
    if (line === '' && this.exitErr) throw this.exitErr;
    const msg = JSON.parse(line) as T & { error?: string };
    if (msg.error) throw new Error(`${this.label}: ${msg.error}\n${this.stderr}`);
    return msg;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}
