import type { SubRule, ValueSpec } from './compiler';

/**
 * Which of event-ruler's byte machines each field of each sub-rule ends up in.
 *
 * event-ruler adds a pattern's sub-rules one after the other to a graph of name states (GenericMachine.addStep):
 * at each name state, a field's operands go into that state's byte machine for the field, and each operand leads
 * to a next name state. An operand already in the machine leads where it led before; a new one leads where the
 * previous operand of the same field led (or to a fresh state). So sub-rules share a machine when they reach the
 * same name state, which a shared operand is enough for. Some service behaviour depends on what else is in a
 * field's machine: whether a number is compared by value or by its text (`hasNumeric`), and the wildcard
 * complexity rating.
 */

export interface MachineLayout {
  /** The machines (ids) a sub-rule's field was added to: one per name state the sub-rule reached there. */
  machinesOf(rule: SubRule, path: string): readonly number[];
  /** The operands added to each machine, once per addition (a repeated operand is listed again). */
  readonly additions: ReadonlyMap<number, readonly ValueSpec[]>;
}

/**
 * The identities of the event-ruler `Patterns` an operand compiles to: a number literal is a numeric-equality
 * pattern (when comparable) plus an exact pattern of its text; `numeric: ["=", x]` is the same numeric-equality
 * pattern; IP literals and CIDR blocks with the same range are the same range pattern.
 */
function patternIds(spec: ValueSpec): string[] {
  switch (spec.kind) {
    case 'number':
      return spec.value === undefined
        ? [`exact-number:${spec.text}`]
        : [`numeric-equals:${spec.value}`, `exact-number:${spec.text}`];
    case 'numeric-equals':
      return [`numeric-equals:${spec.value}`];
    default:
      return [JSON.stringify(spec)];
  }
}

/** Replays event-ruler's name-state construction for a pattern's sub-rules. */
export function layoutMachines(subRules: readonly SubRule[]): MachineLayout {
  let stateCount = 1;
  const machineIds = new Map<string, number>();
  const transitions = new Map<number, Map<string, number>>();
  const absentStates = new Map<number, number>();
  const additions = new Map<number, ValueSpec[]>();
  const fieldMachines = new Map<SubRule, Map<string, number[]>>();

  for (const rule of subRules) {
    const machinesByPath = new Map<string, number[]>();
    fieldMachines.set(rule, machinesByPath);
    let states = [0];
    for (const path of [...rule.keys()].sort()) {
      const specs = rule.get(path) ?? [];
      const reached = new Set<number>();
      const machines: number[] = [];
      for (const state of states) {
        const machineKey = `${state}\u0000${path}`;
        let machine = machineIds.get(machineKey);
        if (machine === undefined) {
          machine = machineIds.size;
          machineIds.set(machineKey, machine);
          transitions.set(machine, new Map());
          additions.set(machine, []);
        }
        machines.push(machine);
        const next = transitions.get(machine) ?? new Map<string, number>();
        const added = additions.get(machine) ?? [];
        let last: number | undefined;
        const follow = (target: number): void => {
          last = target;
          reached.add(target);
        };
        for (const spec of specs) {
          if (spec.kind === 'absent') {
            // exists:false goes to the state's name matcher for the key, which has a single next state.
            const target = absentStates.get(machine) ?? last ?? stateCount++;
            absentStates.set(machine, target);
            follow(target);
            continue;
          }
          added.push(spec);
          for (const id of patternIds(spec)) {
            const target = next.get(id) ?? last ?? stateCount++;
            next.set(id, target);
            follow(target);
          }
        }
      }
      machinesByPath.set(path, machines);
      states = [...reached];
    }
  }
  return {
    machinesOf: (rule, path) => fieldMachines.get(rule)?.get(path) ?? [],
    additions,
  };
}
