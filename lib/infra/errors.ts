/** The topology names something it does not define, or asks for something AWS would refuse. */
export class TopologyError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid topology:\n  - ${problems.join('\n  - ')}`);
    this.name = 'TopologyError';
    this.problems = problems;
  }
}

/** A stack setting (prop or context value) that cannot be deployed. */
export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackConfigError';
  }
}
