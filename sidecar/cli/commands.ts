/** A sub-command module: `run` gets the arguments after the command name and resolves to the exit code. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

/** The registry of sub-commands; add one line per command. */
export const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: { summary: 'run the SIPREC recording server (modsvar serve [--config FILE])', load: () => import('./serve.js') },
  inspect: { summary: 'show how a SIP message (file) is answered and which SIPREC session it describes', load: () => import('./inspect.js') },
  eval: { summary: 'offline evaluations on labelled files (eval objections FILE.jsonl)', load: () => import('./eval.js') },
  kb: { summary: 'knowledge base: ingest the folder into the index, search facts (kb ingest | kb search "QUERY")', load: () => import('./kb.js') },
  replay: { summary: 'feed a recorded call (stereo WAV, two mono WAVs or a transcript) into a running sidecar and print its cards', load: () => import('./replay.js') },
  models: { summary: 'download and verify the local speech-recognition models (models [--dir DIR] [--lang en,de] [--list])', load: () => import('./models.js') },
};
