// Library entry of @roar/cli: the pieces other tools may reuse. Commands live in ./commands.
export {};
