export function emitPython(schema: object, options: { source: string }): string;
export function pyLiteral(value: unknown, used?: number, indent?: string): string;
