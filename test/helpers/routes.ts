import type { TestApp } from './app.js';

export interface RouteInfo {
  method: string;
  /** As registered, with `:param` placeholders. */
  path: string;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

const pathsOf = (raw: unknown): string[] => (Array.isArray(raw) ? raw.filter((path): path is string => typeof path === 'string') : typeof raw === 'string' ? [raw] : []);

function walk(stack: Layer[], prefix: string, found: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const path of pathsOf(layer.route.path)) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on) found.push({ method: method.toUpperCase(), path: `${prefix}${path}` });
      }
    } else if (layer.handle?.stack) {
      const [mount = '/'] = pathsOf(layer.rawPath);
      walk(layer.handle.stack, mount === '/' ? prefix : `${prefix}${mount}`, found);
    }
  }
}

/**
 * Every route the app answers, read from Express's own router stack: tests that must hold for
 * every organiser route iterate over this, so a route added later is covered without editing them.
 */
export function listRoutes(app: TestApp['app']): RouteInfo[] {
  const found: RouteInfo[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', found);
  return found.filter((route, index) => found.findIndex((other) => other.method === route.method && other.path === route.path) === index);
}

/** Fills `:name` placeholders: a known value for names in `values`, `1` for any other. */
export const fillPath = (path: string, values: Record<string, string>): string => path.replace(/:(\w+)/g, (_match, name: string) => values[name] ?? '1');
