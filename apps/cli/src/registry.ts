import type { Command, OptionSpecs } from "./command.js";
import { convert } from "./commands/convert.js";
import { deleteCommand } from "./commands/delete.js";
import { dev } from "./commands/dev.js";
import { doctor } from "./commands/doctor.js";
import { exportCommand } from "./commands/export.js";
import { fixture } from "./commands/fixture.js";
import { importCommand } from "./commands/import.js";
import { list } from "./commands/list.js";
import { mcp } from "./commands/mcp.js";
import { profile } from "./commands/profile.js";
import { prune } from "./commands/prune.js";
import { pull } from "./commands/pull.js";
import { push } from "./commands/push.js";
import { scan } from "./commands/scan.js";
import { serve } from "./commands/serve.js";
import { show } from "./commands/show.js";
import { timeline } from "./commands/timeline.js";
import { validate } from "./commands/validate.js";

/** Every command, in the order help lists them. */
export const COMMANDS: readonly Command<OptionSpecs>[] = [
  dev,
  serve,
  doctor,
  list,
  show,
  importCommand,
  exportCommand,
  convert,
  push,
  pull,
  validate,
  fixture,
  scan,
  timeline,
  profile,
  mcp,
  deleteCommand,
  prune,
] as unknown as readonly Command<OptionSpecs>[];

export function findCommand(name: string): Command<OptionSpecs> | undefined {
  return COMMANDS.find((c) => c.name === name);
}
