/**
 * A worker thread of ParallelTrainer: waits for a job counter to move, takes its slice's job from its
 * port, computes the slice's loss and gradients into shared memory, and counts itself done.
 */
import { workerData, receiveMessageOnPort, MessagePort } from 'worker_threads';
import { SliceJob, SliceModels } from './parallel-slices';

const { control, port } = workerData as { control: Int32Array; port: MessagePort };
const models = new SliceModels();
let seen = 0; // jobs are counted from 0, so a job posted before this thread started is not missed

for (;;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  const message = receiveMessageOnPort(port);
  const job = (message?.message ?? null) as SliceJob | null;
  try {
    if (job) models.run(job);
  } catch (err) {
    // The message goes back on the port before the failure is counted, so the main thread finds it.
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ error: { name: e.name, message: e.message } });
    Atomics.store(control, 2, 1);
  }
  Atomics.add(control, 1, 1);
  Atomics.notify(control, 1);
}
