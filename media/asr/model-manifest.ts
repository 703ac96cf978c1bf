/**
 * The sherpa-onnx models `make models` / `modsvar models` installs by default: a streaming English and
 * a streaming German model, and the multilingual non-streaming NVIDIA Parakeet TDT 0.6B v3 (int8) that
 * the segmented mode runs for Danish (and any of its 25 European languages). All are published on
 * sherpa-onnx's `asr-models` GitHub release (https://github.com/k2-fsa/sherpa-onnx/releases/tag/asr-models,
 * listed at https://k2-fsa.github.io/sherpa/onnx/pretrained_models/online-transducer/ and
 * https://k2-fsa.github.io/sherpa/onnx/pretrained_models/offline-transducer/nemo-transducer-models.html).
 *
 * Checksums: the installer refuses any download whose size or SHA-256 differs from the entry here and
 * deletes it. These values were taken from a published third-party catalogue of the same release
 * assets and could not be recomputed from the release itself in this build environment (no internet).
 * The first `make models` on a machine with internet access confirms them; if the release asset was
 * replaced, the install stops with "checksum mismatch" and the entry must be updated after checking the
 * new file (`sha256sum`).
 */
export interface ModelManifestEntry {
  /** Folder name after unpacking (the archive's top-level folder) and the name in config. */
  name: string;
  /** BCP-47 base language code it is configured for by default (`modsvar models --lang` filters on it). */
  language: string;
  url: string;
  /** Exact size of the archive, bytes. */
  sizeBytes: number;
  /** SHA-256 of the archive, lower-case hex. */
  sha256: string;
  /** Files that must exist in the unpacked folder. */
  requiredFiles: string[];
  license: string;
  note: string;
}

const RELEASE = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models';

export const DEFAULT_MODELS: readonly ModelManifestEntry[] = [
  {
    name: 'sherpa-onnx-streaming-zipformer-en-kroko-2025-08-06',
    language: 'en',
    url: `${RELEASE}/sherpa-onnx-streaming-zipformer-en-kroko-2025-08-06.tar.bz2`,
    sizeBytes: 57_267_600,
    sha256: 'c8676e5ff9ac2a85296e53ee0fd4d5fb1db6770e7a7647166eeafe349ade6834',
    requiredFiles: ['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt'],
    license: 'CC-BY-SA-4.0 (Kroko ASR community model by Banafo)',
    note: 'Streaming zipformer transducer, English; trained on varied (not only read) speech, small enough for many streams per core.',
  },
  {
    name: 'sherpa-onnx-streaming-zipformer-de-kroko-2025-08-06',
    language: 'de',
    url: `${RELEASE}/sherpa-onnx-streaming-zipformer-de-kroko-2025-08-06.tar.bz2`,
    sizeBytes: 57_565_698,
    sha256: '9e27b783c20e67b0d0f13a258c1861fce199917c969d9176a438bee38df64962',
    requiredFiles: ['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt'],
    license: 'CC-BY-SA-4.0 (Kroko ASR community model by Banafo)',
    note: 'Streaming zipformer transducer, German.',
  },
  {
    name: 'sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8',
    language: 'da',
    url: `${RELEASE}/sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8.tar.bz2`,
    sizeBytes: 487_170_055,
    sha256: '5793d0fd397c5778d2cf2126994d58e9d56b1be7c04d13c7a15bb1b4eafb16bf',
    requiredFiles: ['encoder.int8.onnx', 'decoder.int8.onnx', 'joiner.int8.onnx', 'tokens.txt'],
    license: 'CC-BY-4.0 (NVIDIA parakeet-tdt-0.6b-v3; sherpa-onnx int8 conversion by k2-fsa)',
    note: 'Non-streaming TDT transducer, 25 European languages incl. Danish, German, English; runs in segmented mode (VAD + OfflineRecognizer). Unpacked ≈ 670 MB.',
  },
];
