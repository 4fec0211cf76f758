// The JSON Schema (draft 2020-12) of a system description: the one definition of its
// keys and value shapes. `cellvisor schema` prints it, schema/system.schema.json is this
// object written out (a test keeps the two equal), and validate.ts checks descriptions
// against it, so an editor and `cellvisor check` agree on what is a valid key.

import { MAX_CHANNEL_ID, MAX_PRIORITY, TIMER_CHANNEL_ID } from './description.js';
import { SIZE_PATTERN, TIME_PATTERN } from './units.js';

/** The subset of JSON Schema used here (and understood by validate.ts). */
export interface JsonSchema {
  readonly $schema?: string;
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly title?: string;
  readonly description?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'boolean';
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: false;
  readonly dependentRequired?: Readonly<Record<string, readonly string[]>>;
  readonly items?: JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly anyOf?: readonly JsonSchema[];
  readonly default?: boolean;
  readonly examples?: readonly (string | number)[];
}

/** A name of a region or cell, as used in references and console prefixes. */
const NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*$';

const ref = (name: string, description: string): JsonSchema => ({ $ref: `#/$defs/${name}`, description });


export const SYSTEM_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'cellvisor system description',
  description: 'The static description of a cellvisor system: memory regions, cells (native components with their ELF, priority, scheduling, mappings and interrupts) and the channels between them. See docs/system.md.',
  type: 'object',
  additionalProperties: false,
  required: ['cells'],
  properties: {
    memory_regions: {
      type: 'array',
      description: 'Memory that cells share or drive: RAM the builder places, or a device\'s registers (phys_addr).',
      items: {
        title: 'memory region',
        type: 'object',
        additionalProperties: false,
        required: ['name', 'size'],
        properties: {
          name: ref('name', 'The region\'s name, unique among regions; maps refer to it.'),
          size: ref('size', 'Size in bytes, or with a unit (4KiB, 2MiB); a multiple of 4 KiB.'),
          phys_addr: ref('address', 'Optional: a device\'s register page on the board (e.g. 0x10000000, the NS16550A UART); without it the region is RAM placed by the builder.'),
        },
      },
    },
    cells: {
      type: 'array',
      description: 'The native cells: each one ELF in its own address space, with its own priority.',
      items: {
        title: 'cell',
        type: 'object',
        additionalProperties: false,
        required: ['name', 'elf', 'priority'],
        dependentRequired: { budget: ['period'], period: ['budget'] },
        properties: {
          name: ref('name', 'The cell\'s name, unique among cells; channels and fault handlers refer to it.'),
          elf: { type: 'string', description: 'The cell\'s RISC-V ELF64 executable, relative to this file (built with the cellvisor SDK).' },
          priority: {
            type: 'integer', minimum: 0, maximum: MAX_PRIORITY,
            description: `Scheduling priority, 0-${MAX_PRIORITY}; higher runs first, equal priorities take turns.`,
          },
          budget: ref('time', 'Optional, with period: CPU time per period (an MCS scheduling context), e.g. 1ms; at least the kernel\'s minimum budget.'),
          period: ref('time', 'Optional, with budget: the replenishment period, e.g. 10ms; not less than budget.'),
          passive: { type: 'boolean', default: false, description: 'Runs only on its callers\' scheduling contexts: a server reached through pp channels.' },
          poweroff: { type: 'boolean', default: false, description: 'May end the whole run with cv_poweroff(status).' },
          fault_handler: {
            title: 'fault handler',
            type: 'object',
            additionalProperties: false,
            required: ['cell', 'id'],
            description: 'Optional: the cell that receives this cell\'s faults, and the child id it knows this cell by.',
            properties: {
              cell: ref('name', 'The handling cell (not this one).'),
              id: {
                type: 'integer', minimum: 0, maximum: MAX_CHANNEL_ID,
                description: `The child id (0-${MAX_CHANNEL_ID}) under which the handler receives the faults; unique per handler.`,
              },
            },
          },
          maps: {
            type: 'array',
            description: 'Memory regions mapped into this cell, at 0x4000000 and above.',
            items: {
              title: 'mapping',
              type: 'object',
              additionalProperties: false,
              required: ['region', 'vaddr', 'perms'],
              properties: {
                region: ref('name', 'The memory region to map.'),
                vaddr: ref('address', 'Virtual address in the cell: page-aligned, 0x4000000 or above, below 0x4000000000 (Sv39).'),
                perms: {
                  enum: ['r', 'rw', 'rx', 'rwx', 'x'],
                  description: 'Access rights: r, w, x in that order (write without read is reserved in RISC-V page tables).',
                },
                setvar: {
                  type: 'string', pattern: '^[A-Za-z_.$][A-Za-z0-9_.$]*$',
                  description: 'Optional: a uint64_t variable in the cell\'s ELF that the builder sets to vaddr.',
                },
              },
            },
          },
          irqs: {
            type: 'array',
            description: 'Device interrupts this cell handles, each delivered as a notification on a channel id.',
            items: {
              title: 'irq',
              type: 'object',
              additionalProperties: false,
              required: ['source', 'id'],
              properties: {
                source: { type: 'integer', minimum: 1, description: 'The PLIC interrupt source (e.g. 10 for the UART); one cell per source.' },
                id: ref('channel_id', 'The channel id (0-62) it is delivered on; shares the id space of the cell\'s channels.'),
              },
            },
          },
        },
      },
    },
    channels: {
      type: 'array',
      description: 'Connections between two cells: notifications both ways, protected calls one way if pp says so.',
      items: {
        title: 'channel',
        type: 'object',
        additionalProperties: false,
        required: ['a', 'b'],
        properties: {
          a: ref('end', 'One end of the channel.'),
          b: ref('end', 'The other end.'),
          pp: {
            enum: ['a', 'b'],
            description: 'Optional: the end that may make protected calls to the other end; the called end needs a strictly higher priority.',
          },
          grant: {
            type: 'boolean', default: false,
            description: 'Optional, with pp: a protected call may carry one capability to the called end (the caller\'s capability has the Grant right).',
          },
        },
      },
    },
  },
  $defs: {
    name: { type: 'string', pattern: NAME_PATTERN, description: 'A name: a letter or _, then letters, digits, _ or -.' },
    size: {
      anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: SIZE_PATTERN }],
      examples: ['4KiB', '1MiB', 8192],
      description: 'A size: bytes, or a number with B, KiB, MiB or GiB.',
    },
    channel_id: {
      type: 'integer', minimum: 0, maximum: MAX_CHANNEL_ID,
      description: `A channel id from 0 to ${MAX_CHANNEL_ID} (${TIMER_CHANNEL_ID} is the cell's timer).`,
    },
    address: { type: 'integer', minimum: 0, description: 'An address: an integer, usually written in hex (0x4000000).' },
    time: {
      type: 'string', pattern: TIME_PATTERN, examples: ['500us', '1ms', '2s'],
      description: 'A time: a number with ns, us, ms or s.',
    },
    end: {
      title: 'channel end',
      type: 'object',
      additionalProperties: false,
      required: ['cell', 'id'],
      properties: {
        cell: ref('name', 'The cell at this end.'),
        id: ref('channel_id', 'The channel id (0-62) by which that cell knows the channel.'),
      },
    },
  },
};

/**
 * What a value must look like, in words, for messages: "an integer from 0 to 254".
 * $refs are described by the definition's own description.
 */
export function describeAccepted(schema: JsonSchema): string {
  const target = resolveRef(schema);
  if (target !== schema) return lowerFirst(target.description ?? 'a value').replace(/\.$/, '');
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  switch (schema.type) {
    case 'integer':
      if (schema.minimum !== undefined && schema.maximum !== undefined) return `an integer from ${schema.minimum} to ${schema.maximum}`;
      return schema.minimum !== undefined ? `an integer, at least ${schema.minimum}` : 'an integer';
    case 'boolean': return 'true or false';
    // A free-form string is best described by what it is for.
    case 'string': return schema.description && !schema.pattern ? lowerFirst(schema.description).replace(/\.$/, '') : 'a string';
    case 'array': return 'a list (- item per line, or [a, b])';
    case 'object': return `a mapping with keys ${Object.keys(schema.properties ?? {}).join(', ')}`;
    default: return 'a value';
  }
}

export function resolveRef(schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/$defs/', '');
  const target = SYSTEM_SCHEMA.$defs?.[name];
  if (!target) throw new Error(`schema: dangling ${schema.$ref}`);
  return target;
}

/** The schema as `cellvisor schema` prints it and schema/system.schema.json holds it. */
export function schemaText(): string {
  return `${JSON.stringify(SYSTEM_SCHEMA, null, 2)}\n`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
