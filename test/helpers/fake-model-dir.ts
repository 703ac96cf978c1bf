import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A model folder with the given .onnx file names (random bytes) and a tokens.txt of `vocabulary`. */
export function fakeModelDir(files: string[], vocabulary: string[] = ['a']): string {
  const dir = mkdtempSync(join(tmpdir(), 'modsvar-model-'));
  for (const f of files) writeFileSync(join(dir, f), Buffer.from(Array.from({ length: 512 }, (_v, i) => (i * 37) % 251)));
  writeFileSync(join(dir, 'tokens.txt'), vocabulary.map((w, i) => `${w} ${i}`).join('\n') + '\n');
  return dir;
}
