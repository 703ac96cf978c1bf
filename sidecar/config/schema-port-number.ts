import { z } from 'zod';

/** A TCP/UDP port number, 1–65535. */
export const portNumber = z.number().int().min(1).max(65535);
