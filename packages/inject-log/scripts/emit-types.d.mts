export function emitTypes(schema: object, options: { source: string }): string;
export function upperSnake(name: string): string;
