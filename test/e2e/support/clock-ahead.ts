// Node options that run a process with its wall clock `ms` ahead (Date and Date.now; the monotonic
// performance.now is left alone). The compiled operator has no test hook for its clock, and a
// Replace import caught by a kill is not sent again until search can be trusted to show its copy
// (SEARCH_SETTLE_MS): an operator started "later" this way finishes those items, as issue 4's kill
// test does with `hush sweep` in-process.
export function clockAheadNodeArgs(ms: number): string[] {
  const source = `
const shift = ${Math.round(ms)};
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + shift);
    else super(...args);
  }
  static now() {
    return realNow() + shift;
  }
}
globalThis.Date = ShiftedDate;
`;
  return ["--import", `data:text/javascript,${encodeURIComponent(source)}`];
}
