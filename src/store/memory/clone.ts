/** Every value crosses the port as a copy, like an item read from DynamoDB: callers never share state. */
export const clone = <T>(value: T): T => structuredClone(value);
