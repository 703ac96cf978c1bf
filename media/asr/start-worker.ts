import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread from a module beside this one: the compiled `.js` in production; under tsx or
 * vitest (source `.ts`, which Node 20 cannot load in a worker by itself) through tsx's ESM loader,
 * registered inside the worker before the module is imported.
 *
 * @param name module file name without extension, e.g. `sherpa-onnx-worker`
 */
export function startWorker(name: string, workerData: object): Worker {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new Worker(new URL(`./${name}.js`, here), { workerData });
  const entry = new URL(`./${name}.ts`, here).href;
  const boot = `const { workerData } = require('node:worker_threads');
import('tsx/esm/api').then((api) => { api.register(); return import(workerData.__entry); })
  .catch((err) => { console.error(err); process.exit(1); });`;
  return new Worker(boot, { eval: true, workerData: { ...workerData, __entry: entry } });
}

/**
 * Stops a worker that holds sherpa-onnx objects: sends `shutdown` and waits for it to exit on its own.
 * `worker.terminate()` while the worker is inside the native addon (or with messages queued for it)
 * aborts the whole process (`terminate called after throwing an instance of 'Napi::Error'`, observed
 * with sherpa-onnx-node 1.13.8), so terminate is only the last resort after `deadlineMs`.
 */
export async function stopWorker(worker: Worker, shutdownMessage: object, deadlineMs = 15_000): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  try {
    worker.postMessage(shutdownMessage);
  } catch {
    return; // already gone
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), deadlineMs); });
  const r = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (r === 'late') await worker.terminate();
}
