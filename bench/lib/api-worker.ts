/** Worker-thread entry of the API load generator (see api-load.ts): runs ApiScenarios on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { ApiScenarios, type ClientInit } from './api-scenarios.ts';
import type { WorkerCall, WorkerReply } from './api-load.ts';

const port = parentPort;
if (!port) throw new Error('api-worker.ts must run in a worker thread');
const scenarios = new ApiScenarios(workerData as ClientInit);

port.on('message', (msg: WorkerCall) => {
  const reply = (r: WorkerReply) => port.postMessage(r);
  const work = msg.kind === 'setup' ? scenarios.setup(msg.concurrency) : msg.kind === 'run' ? scenarios.run(msg.request) : Promise.resolve(scenarios.close());
  work.then(
    (value) => reply({ id: msg.id, ok: true, value }),
    (err: unknown) => reply({ id: msg.id, ok: false, error: (err as Error)?.stack ?? String(err) }),
  );
});
