import { JAVA_EXECUTABLE } from '../helpers/html-validator.js';
import { requireTool } from './require-tool.js';
import { JAVA } from './tools.js';

/** Global set-up of the browser lane: finds or installs the Java the Nu HTML Checker runs on. */
export default function setup(): void {
  process.env[JAVA_EXECUTABLE] = requireTool(JAVA).path;
}
