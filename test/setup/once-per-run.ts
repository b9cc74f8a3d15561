/** A resource a global set-up started: what tests need to reach it, and how to stop it. */
export interface Started {
  /** Handed to the test workers in the environment variable. */
  value: string;
  stop(): void | Promise<void>;
}

/**
 * For a resource every lane shares (the temporary folder; a database server): Vitest calls a
 * global set-up once for each lane (project) with tests in the run, so the first call starts the
 * resource and puts it in `variable`, which the workers inherit, and the later calls find it
 * there. It stops when the run ends. A variable set before the run names a resource the person
 * runs themselves: it is used as it is, and left alone.
 */
export async function oncePerRun(variable: string, start: () => Started | Promise<Started>): Promise<(() => Promise<void>) | undefined> {
  if (process.env[variable]) return undefined;
  const started = await start();
  process.env[variable] = started.value;
  return async () => {
    delete process.env[variable];
    await started.stop();
  };
}
