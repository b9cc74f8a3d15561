import type { Request } from 'express';

/** A route parameter as one string (Express types allow arrays for wildcard routes). */
export const param = (req: Request, name: string): string => String(req.params[name] ?? '');
