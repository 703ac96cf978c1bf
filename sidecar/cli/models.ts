import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULT_MODELS } from '../../media/asr/model-manifest.js';
import { installModel, isInstalled } from '../../media/asr/model-install.js';

const USAGE = `usage: modsvar models [--dir DIR] [--lang en,de] [--list]

Downloads the default sherpa-onnx models (streaming English and German; multilingual Parakeet TDT
0.6B v3 for Danish in segmented mode, 487 MB) into DIR (default: models),
verifying each archive's size and SHA-256 before unpacking it. Needs internet access, GNU tar and bzip2.
  --dir DIR     models folder (config asr.sherpaOnnx.modelsDir)
  --lang LIST   only these languages (comma separated)
  --list        show the models and whether they are installed; download nothing
`;

/** `modsvar models`: install or list the local ASR models. Exit 0 on success, 1 on a failed model, 2 on bad usage. */
export async function run(argv: string[]): Promise<number> {
  let values: { dir?: string; lang?: string; list?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { dir: { type: 'string' }, lang: { type: 'string' }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`modsvar models: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const dir = resolve(values.dir ?? 'models');
  const langs = values.lang?.split(',').map((l) => l.trim()).filter(Boolean);
  const entries = DEFAULT_MODELS.filter((m) => !langs || langs.includes(m.language));
  if (!entries.length) {
    process.stderr.write(`modsvar models: no default model for ${langs?.join(', ')}\n`);
    return 2;
  }
  if (values.list) {
    for (const m of entries) {
      const state = isInstalled(m, resolve(dir, m.name)) ? 'installed' : 'not installed';
      process.stdout.write(`${m.language}  ${m.name}  ${state}\n    ${m.url}\n    sha256 ${m.sha256}  ${m.license}\n`);
    }
    return 0;
  }
  let failed = 0;
  for (const m of entries) {
    try {
      const r = await installModel(m, dir, (line) => process.stdout.write(`${m.language}: ${line}\n`));
      if (r.status === 'already-installed') process.stdout.write(`${m.language}: ${r.dir} already installed\n`);
    } catch (err) {
      failed++;
      process.stderr.write(`${m.language}: ${(err as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}
