/** The only source of "now" in the API; tests replace it to travel in time. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export class FixedClock extends Clock {
  constructor(private instant: Date) {
    super();
  }
  now(): Date {
    return this.instant;
  }
  set(instant: Date | string): void {
    this.instant = new Date(instant);
  }
}
